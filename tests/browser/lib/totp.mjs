// RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) with node's crypto, for the browser tests.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding needed; spaces, '=' and case are ignored) to bytes. */
export function base32Decode(text) {
  const clean = String(text).replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${JSON.stringify(ch)} in ${JSON.stringify(text)}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP value of `key` (bytes) at `counter`. */
export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The 30-second time step of a moment (milliseconds since the epoch). */
export function timeStep(ms = Date.now()) {
  return Math.floor(ms / 1000 / 30);
}

/** TOTP code of a base32 secret at a moment (ms). */
export function totp(secretBase32, ms = Date.now(), digits = 6) {
  return hotp(base32Decode(secretBase32), timeStep(ms), digits);
}

/**
 * A code the server has not seen yet: the server refuses a step it has already accepted
 * (replay protection), so wait until the clock has moved past `usedStep`. Returns {code, step}.
 */
export async function freshCode(secretBase32, usedStep = -1) {
  // Also keep clear of the last second of a step, so the code is still current when it arrives.
  for (;;) {
    const now = Date.now();
    const step = timeStep(now);
    const secondsLeft = 30 - (Math.floor(now / 1000) % 30);
    if (step > usedStep && secondsLeft > 2) return { code: totp(secretBase32, now), step };
    await new Promise((r) => setTimeout(r, 250));
  }
}
