import { useMemo } from 'react';
import { create } from 'qrcode';

interface QrCodeProps {
  value: string;
  /** Accessible name of the image. */
  label: string;
}

/** Modules of white margin around the code: scanners need the quiet zone, dark themes or not. */
const QUIET_ZONE = 4;

/**
 * A QR code drawn here as SVG from the encoded modules: the value (an `otpauth://` URI with the
 * secret) never leaves the page, no image is fetched, and no markup is injected.
 */
export function QrCode({ value, label }: QrCodeProps) {
  const { size, path } = useMemo(() => {
    const { modules } = create(value, { errorCorrectionLevel: 'M' });
    let d = '';
    for (let row = 0; row < modules.size; row += 1) {
      for (let col = 0; col < modules.size; col += 1) {
        if (modules.get(row, col)) d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
      }
    }
    return { size: modules.size + 2 * QUIET_ZONE, path: d };
  }, [value]);

  return (
    <svg className="qr-code" role="img" aria-label={label} viewBox={`0 0 ${size} ${size}`} shapeRendering="crispEdges" data-testid="totp-qr-code">
      <rect width={size} height={size} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
