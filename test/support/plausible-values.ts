import { create, ScalarType, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';

/** Supplies a real id (of the calling tenant) for an id field, by field name; '' when none fits. */
export type IdSource = (fieldName: string) => string;

const isIdName = (name: string) => name === 'id' || name.endsWith('_id') || name === 'parent';

// Unique values per request, so creating plausible things twice never collides on a unique key.
let serial = 0;
const unique = () => `${process.pid}${++serial}`;

function scalar(field: DescField & { scalar: ScalarType }, idFor: IdSource): unknown {
  const name = field.name;
  switch (field.scalar) {
    case ScalarType.STRING:
      if (name === 'request_id' || name.endsWith('page_token') || name === 'etag') return '';
      if (isIdName(name)) return idFor(name);
      if (name.includes('email')) return `someone-${unique()}@a-tenant.test`;
      if (name.includes('password')) return 'plausible-password-1';
      if (name === 'sku' || name.endsWith('_sku')) return `SKU-P${unique()}`;
      if (name === 'code' || name.endsWith('_code'))
        return name.includes('currency')
          ? 'EUR'
          : name.includes('country') || name.includes('region')
            ? 'DE'
            : `C${unique()}`;
      if (name.includes('tracking_number')) return `TRACK-${unique()}`;
      if (name === 'organization') return 'a-tenant';
      if (name.includes('permission')) return 'inventory.products:read';
      return name === 'name' || name === 'display_name' ? `plausible ${unique()}` : 'plausible';
    case ScalarType.BOOL:
      return false;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return name.includes('lat') ? 52.5 : name.includes('lon') || name.includes('lng') ? 13.4 : 1;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return name.includes('sequence') ? 0n : 1n;
    default:
      return name === 'page_size' ? 10 : name.includes('sequence') ? 0 : 1;
  }
}

/**
 * Builds a request that would be valid but for the one field under test: every other field gets
 * a plausible value chosen from its name and type, so the server's answer is about that field.
 */
export function plausibleMessage(desc: DescMessage, idFor: IdSource = () => '', depth = 0): Message {
  if (desc.typeName === 'google.protobuf.Timestamp')
    return create(desc, { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 } as never);
  if (desc.typeName === 'google.type.Money') return create(desc, { currencyCode: 'EUR', units: 1n, nanos: 0 } as never);
  if (desc.typeName === 'google.type.Date') {
    const d = new Date(Date.now() + 86_400_000);
    return create(desc, { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() } as never);
  }
  if (desc.typeName === 'google.protobuf.FieldMask') return create(desc, { paths: [] } as never);
  const message = create(desc) as Record<string, unknown> & Message;
  if (depth > 2) return message;
  for (const field of desc.fields) {
    if (field.oneof) continue;
    if (field.fieldKind === 'scalar') message[field.localName] = scalar(field, idFor);
    else if (field.fieldKind === 'enum')
      message[field.localName] = field.enum.values.find((v) => v.number !== 0)?.number ?? 0;
    else if (field.fieldKind === 'message')
      message[field.localName] = plausibleMessage(field.message, idFor, depth + 1);
    else if (field.fieldKind === 'list' && field.listKind === 'scalar' && field.scalar === ScalarType.STRING) {
      message[field.localName] = field.name.endsWith('_ids')
        ? [idFor(field.name.replace(/s$/, ''))].filter(Boolean)
        : [scalar({ ...field, name: field.name.replace(/s$/, '') } as never, idFor)];
    } else if (
      field.fieldKind === 'list' &&
      field.listKind === 'message' &&
      !field.message.typeName.startsWith('google.')
    ) {
      message[field.localName] = [plausibleMessage(field.message, idFor, depth + 1)];
    }
  }
  // An Update request: ask to change one plain text field of the resource, so the call is about the id.
  const mask = desc.fields.find((f) => f.name === 'update_mask');
  const resource = desc.fields.find((f) => f.fieldKind === 'message' && !f.message.typeName.startsWith('google.'));
  if (mask && resource?.fieldKind === 'message') {
    const target =
      resource.message.fields.find(
        (f) =>
          f.fieldKind === 'scalar' &&
          f.scalar === ScalarType.STRING &&
          !isIdName(f.name) &&
          !['etag', 'email', 'name'].includes(f.name),
      ) ?? resource.message.fields.find((f) => f.name === 'name');
    if (target) (message[mask.localName] as { paths: string[] }).paths = [target.name];
  }
  return message;
}

/** Paths of string id fields in a message (top level and one level down): `id`, `*_id`, `parent`. */
export function idFields(desc: DescMessage): { path: string[]; field: DescField }[] {
  const out: { path: string[]; field: DescField }[] = [];
  for (const field of desc.fields) {
    const isId = field.name === 'id' || field.name.endsWith('_id') || field.name === 'parent';
    if (field.fieldKind === 'scalar' && field.scalar === ScalarType.STRING && isId && field.name !== 'request_id')
      out.push({ path: [field.localName], field });
    if (field.fieldKind === 'list' && field.listKind === 'scalar' && field.name.endsWith('_ids'))
      out.push({ path: [field.localName], field });
    if (field.fieldKind === 'message' && !field.message.typeName.startsWith('google.')) {
      for (const inner of idFields(field.message).filter((f) => f.path.length === 1))
        out.push({ path: [field.localName, ...inner.path], field: inner.field });
    }
    if (field.fieldKind === 'list' && field.listKind === 'message') {
      for (const inner of idFields(field.message).filter((f) => f.path.length === 1))
        out.push({ path: [field.localName, '0', ...inner.path], field: inner.field });
    }
  }
  return out;
}

/** Sets `value` at `path` (creating one list element for `0` segments). */
export function setPath(
  desc: DescMessage,
  message: Record<string, any>,
  path: string[],
  value: unknown,
  idFor: IdSource = () => '',
): void {
  let target: any = message;
  let d: DescMessage = desc;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const field = d.fields.find((f) => f.localName === segment);
    if (segment === '0') continue;
    if (field?.fieldKind === 'list' && field.listKind === 'message') {
      target[segment] = [plausibleMessage(field.message, idFor)];
      target = target[segment][0];
      d = field.message;
      i++; // skip the '0'
    } else if (field?.fieldKind === 'message') {
      target[segment] ??= plausibleMessage(field.message, idFor);
      target = target[segment];
      d = field.message;
    }
  }
  const last = path[path.length - 1]!;
  const field = d.fields.find((f) => f.localName === last);
  target[last] = field?.fieldKind === 'list' ? [value] : value;
}
