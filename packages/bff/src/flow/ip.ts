// The client address a per-IP limit counts under. One IPv6 customer gets a whole /64 (often more), so counting
// per address would give an attacker 2^64 budgets: the /64 is the unit. An IPv4-mapped IPv6 address
// (`::ffff:1.2.3.4`, what a dual-stack Node socket reports) is the IPv4 address it maps.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4(text: string): string | undefined {
  const m = IPV4.exec(text);
  if (!m || m.slice(1).some((part) => Number(part) > 255)) return undefined;
  return m.slice(1).map(Number).join('.');
}

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(text: string): number[] | undefined {
  let address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) as two groups.
  const tail = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (tail?.[1]) {
    const v4 = ipv4(tail[1]);
    if (!v4) return undefined;
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    address = `${address.slice(0, tail.index)}:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':') : []);
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

/**
 * The bucket an address counts under: `4:1.2.3.4` for IPv4 (mapped or not), `6:2001:db8:1:2` (the /64) for IPv6,
 * and `?` for anything else: a forged or garbled header is not given a budget of its own per spelling.
 */
export function ipBucket(address: string): string {
  const v4 = ipv4(address);
  if (v4) return `4:${v4}`;
  const groups = address.length <= 64 ? ipv6Groups(address) : undefined;
  if (!groups) return '?';
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `4:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return `6:${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}`;
}
