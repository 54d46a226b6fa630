/** Saves text as a CSV file in the browser (the exports of the stats and training pages). */
export function download(filename: string, text: string): void {
  // a BOM so spreadsheet programs read the accents right
  const blob = new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
