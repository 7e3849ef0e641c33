// RFC 4180 CSV, as the engine writes results: quoted fields may hold commas, quotes ("") and
// line breaks. Stops after `limit` data rows.
export function parseCsv(text, limit = Infinity) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => { row.push(field); rows.push(row); row = []; field = ''; };
  while (i < text.length && rows.length <= limit) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i += 1; continue; }
      field += c; i += 1; continue;
    }
    if (c === '"') { quoted = true; i += 1; continue; }
    if (c === ',') { row.push(field); field = ''; i += 1; continue; }
    if (c === '\r' && text[i + 1] === '\n') { endRow(); i += 2; continue; }
    if (c === '\n') { endRow(); i += 1; continue; }
    field += c; i += 1;
  }
  if (rows.length <= limit && (field !== '' || row.length)) endRow();
  const [header = [], ...data] = rows;
  return { columns: header, rows: data.slice(0, limit), truncated: data.length > limit || i < text.length };
}
