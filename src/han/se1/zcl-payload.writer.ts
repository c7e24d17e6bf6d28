/** The ZigBee Smart Energy application profile every SE 1.0 cluster here belongs to. */
export const SE_PROFILE_ID = 0x0109;

/**
 * Builds a ZCL command payload: fixed-width integers little-endian, strings with a length byte in
 * front. Buffer's own range checks stay on as a second line behind each encoder's field checks.
 */
export class ZclPayloadWriter {
  private readonly parts: Buffer[] = [];

  uint8(value: number): this {
    return this.put(1, (b) => b.writeUInt8(value));
  }

  int8(value: number): this {
    return this.put(1, (b) => b.writeInt8(value));
  }

  uint16(value: number): this {
    return this.put(2, (b) => b.writeUInt16LE(value));
  }

  int16(value: number): this {
    return this.put(2, (b) => b.writeInt16LE(value));
  }

  uint32(value: number): this {
    return this.put(4, (b) => b.writeUInt32LE(value));
  }

  /** ZCL octet/character string: a length byte, then the bytes; a length of 0xFF means "invalid". */
  lengthPrefixed(bytes: Buffer): this {
    if (bytes.length > 0xfe) throw new RangeError(`a ZCL string holds at most 254 bytes, got ${bytes.length}`);
    this.uint8(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }

  private put(size: number, write: (buffer: Buffer) => void): this {
    const buffer = Buffer.alloc(size);
    write(buffer);
    this.parts.push(buffer);
    return this;
  }
}
