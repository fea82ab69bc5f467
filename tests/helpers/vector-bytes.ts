/** The values a features or inference row sends as bytes (`vector_base64`, clickhouse/0018), as the table decodes them. */
export function vectorOfRow(row: Readonly<Record<string, unknown>>): number[] {
  const bytes = Buffer.from(String(row.vector_base64), 'base64');
  return Array.from({ length: bytes.length / 8 }, (_, i) => bytes.readDoubleLE(i * 8));
}
