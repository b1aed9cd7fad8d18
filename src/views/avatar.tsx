// Avatars drawn on the server from a keyed hash of the e-mail: a symmetric 5×5 pattern in one
// path, so no request ever leaves for a third-party avatar service.
export function Avatar({ hash, size = 40 }: { hash: string; size?: number }) {
  const bytes = Buffer.from(hash, 'base64url');
  const hue = ((bytes[0] ?? 0) * 360) >> 8;
  let d = '';
  for (let i = 0; i < 15; i++) {
    if (((bytes[1 + (i >> 3)] ?? 0) >> (i & 7)) & 1) {
      const x = Math.floor(i / 5);
      const y = i % 5;
      d += `M${x} ${y}h1v1h-1z`;
      if (x < 2) d += `M${4 - x} ${y}h1v1h-1z`;
    }
  }
  return (
    <svg class="avatar" width={size} height={size} viewBox="-0.5 -0.5 6 6" aria-hidden="true" focusable="false">
      <rect x="-0.5" y="-0.5" width="6" height="6" fill={`hsl(${hue} 40% 92%)`} />
      <path d={d} fill={`hsl(${hue} 55% 42%)`} />
    </svg>
  );
}
