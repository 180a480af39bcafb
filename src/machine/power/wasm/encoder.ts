// A small WebAssembly binary writer for the translator: a module of functions over the
// machine's shared memory, written straight into bytes (no text format, no optimiser: the
// translator compiles thousands of small modules and every microsecond of writing them counts,
// and V8's Liftoff/TurboFan do the optimising). Only what the translator uses is here: types,
// imported functions / memory / table, functions with locals, exports, and the instruction
// encodings (opcode constants in `Op`, `OpFC`, `OpSimd`, `OpAtomic`).
//
// Labels are handles, not depths: `const l = f.block()` and later `f.br(l)`; the builder turns
// a handle into the relative depth WebAssembly wants, so emitters can nest freely.

export const enum T {
  i32 = 0x7f,
  i64 = 0x7e,
  f32 = 0x7d,
  f64 = 0x7c,
  v128 = 0x7b,
  funcref = 0x70,
  /** Block type of a block that yields nothing. */
  void = 0x40,
}

/** Single-byte opcodes (the MVP plus sign extension). */
export const enum Op {
  unreachable = 0x00, nop = 0x01, block = 0x02, loop = 0x03, if = 0x04, else = 0x05, end = 0x0b,
  br = 0x0c, br_if = 0x0d, br_table = 0x0e, return = 0x0f, call = 0x10, call_indirect = 0x11,
  return_call = 0x12, return_call_indirect = 0x13,
  drop = 0x1a, select = 0x1b,
  local_get = 0x20, local_set = 0x21, local_tee = 0x22, global_get = 0x23, global_set = 0x24,
  i32_load = 0x28, i64_load = 0x29, f32_load = 0x2a, f64_load = 0x2b,
  i32_load8_s = 0x2c, i32_load8_u = 0x2d, i32_load16_s = 0x2e, i32_load16_u = 0x2f,
  i64_load8_s = 0x30, i64_load8_u = 0x31, i64_load16_s = 0x32, i64_load16_u = 0x33,
  i64_load32_s = 0x34, i64_load32_u = 0x35,
  i32_store = 0x36, i64_store = 0x37, f32_store = 0x38, f64_store = 0x39,
  i32_store8 = 0x3a, i32_store16 = 0x3b, i64_store8 = 0x3c, i64_store16 = 0x3d, i64_store32 = 0x3e,
  i32_const = 0x41, i64_const = 0x42, f32_const = 0x43, f64_const = 0x44,
  i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49, i32_gt_s = 0x4a,
  i32_gt_u = 0x4b, i32_le_s = 0x4c, i32_le_u = 0x4d, i32_ge_s = 0x4e, i32_ge_u = 0x4f,
  i64_eqz = 0x50, i64_eq = 0x51, i64_ne = 0x52, i64_lt_s = 0x53, i64_lt_u = 0x54, i64_gt_s = 0x55,
  i64_gt_u = 0x56, i64_le_s = 0x57, i64_le_u = 0x58, i64_ge_s = 0x59, i64_ge_u = 0x5a,
  f32_eq = 0x5b, f32_ne = 0x5c, f32_lt = 0x5d, f32_gt = 0x5e, f32_le = 0x5f, f32_ge = 0x60,
  f64_eq = 0x61, f64_ne = 0x62, f64_lt = 0x63, f64_gt = 0x64, f64_le = 0x65, f64_ge = 0x66,
  i32_clz = 0x67, i32_ctz = 0x68, i32_popcnt = 0x69, i32_add = 0x6a, i32_sub = 0x6b, i32_mul = 0x6c,
  i32_div_s = 0x6d, i32_div_u = 0x6e, i32_rem_s = 0x6f, i32_rem_u = 0x70, i32_and = 0x71, i32_or = 0x72,
  i32_xor = 0x73, i32_shl = 0x74, i32_shr_s = 0x75, i32_shr_u = 0x76, i32_rotl = 0x77, i32_rotr = 0x78,
  i64_clz = 0x79, i64_ctz = 0x7a, i64_popcnt = 0x7b, i64_add = 0x7c, i64_sub = 0x7d, i64_mul = 0x7e,
  i64_div_s = 0x7f, i64_div_u = 0x80, i64_rem_s = 0x81, i64_rem_u = 0x82, i64_and = 0x83, i64_or = 0x84,
  i64_xor = 0x85, i64_shl = 0x86, i64_shr_s = 0x87, i64_shr_u = 0x88, i64_rotl = 0x89, i64_rotr = 0x8a,
  f32_abs = 0x8b, f32_neg = 0x8c, f32_ceil = 0x8d, f32_floor = 0x8e, f32_trunc = 0x8f, f32_nearest = 0x90,
  f32_sqrt = 0x91, f32_add = 0x92, f32_sub = 0x93, f32_mul = 0x94, f32_div = 0x95, f32_min = 0x96,
  f32_max = 0x97, f32_copysign = 0x98,
  f64_abs = 0x99, f64_neg = 0x9a, f64_ceil = 0x9b, f64_floor = 0x9c, f64_trunc = 0x9d, f64_nearest = 0x9e,
  f64_sqrt = 0x9f, f64_add = 0xa0, f64_sub = 0xa1, f64_mul = 0xa2, f64_div = 0xa3, f64_min = 0xa4,
  f64_max = 0xa5, f64_copysign = 0xa6,
  i32_wrap_i64 = 0xa7, i32_trunc_f32_s = 0xa8, i32_trunc_f32_u = 0xa9, i32_trunc_f64_s = 0xaa,
  i32_trunc_f64_u = 0xab, i64_extend_i32_s = 0xac, i64_extend_i32_u = 0xad, i64_trunc_f32_s = 0xae,
  i64_trunc_f32_u = 0xaf, i64_trunc_f64_s = 0xb0, i64_trunc_f64_u = 0xb1, f32_convert_i32_s = 0xb2,
  f32_convert_i32_u = 0xb3, f32_convert_i64_s = 0xb4, f32_convert_i64_u = 0xb5, f32_demote_f64 = 0xb6,
  f64_convert_i32_s = 0xb7, f64_convert_i32_u = 0xb8, f64_convert_i64_s = 0xb9, f64_convert_i64_u = 0xba,
  f64_promote_f32 = 0xbb, i32_reinterpret_f32 = 0xbc, i64_reinterpret_f64 = 0xbd,
  f32_reinterpret_i32 = 0xbe, f64_reinterpret_i64 = 0xbf,
  i32_extend8_s = 0xc0, i32_extend16_s = 0xc1, i64_extend8_s = 0xc2, i64_extend16_s = 0xc3,
  i64_extend32_s = 0xc4,
}

/** 0xFC-prefixed opcodes (saturating truncation, bulk memory). */
export const enum OpFC {
  i32_trunc_sat_f32_s = 0, i32_trunc_sat_f32_u = 1, i32_trunc_sat_f64_s = 2, i32_trunc_sat_f64_u = 3,
  i64_trunc_sat_f32_s = 4, i64_trunc_sat_f32_u = 5, i64_trunc_sat_f64_s = 6, i64_trunc_sat_f64_u = 7,
  memory_copy = 10, memory_fill = 11,
}

/** 0xFE-prefixed opcodes (threads: atomic memory accesses), the ones with a memarg. */
export const enum OpAtomic {
  i32_atomic_load = 0x10, i64_atomic_load = 0x11, i32_atomic_store = 0x17, i64_atomic_store = 0x18,
  i32_atomic_rmw_cmpxchg = 0x48, i64_atomic_rmw_cmpxchg = 0x49,
}

/**
 * 0xFD-prefixed opcodes (fixed-width SIMD) the translator may use. Loads/stores take a memarg,
 * `v128_const` 16 bytes, `i8x16_shuffle` 16 lane indices, extract/replace lanes a lane byte.
 */
export const enum OpSimd {
  v128_load = 0x00, v128_load64_zero = 0x5d, v128_load32_zero = 0x5c, v128_store = 0x0b,
  v128_const = 0x0c, i8x16_shuffle = 0x0d, i8x16_swizzle = 0x0e,
  i8x16_splat = 0x0f, i16x8_splat = 0x10, i32x4_splat = 0x11, i64x2_splat = 0x12, f32x4_splat = 0x13, f64x2_splat = 0x14,
  i8x16_extract_lane_s = 0x15, i8x16_extract_lane_u = 0x16, i8x16_replace_lane = 0x17,
  i16x8_extract_lane_s = 0x18, i16x8_extract_lane_u = 0x19, i16x8_replace_lane = 0x1a,
  i32x4_extract_lane = 0x1b, i32x4_replace_lane = 0x1c, i64x2_extract_lane = 0x1d, i64x2_replace_lane = 0x1e,
  f32x4_extract_lane = 0x1f, f32x4_replace_lane = 0x20, f64x2_extract_lane = 0x21, f64x2_replace_lane = 0x22,
  i8x16_eq = 0x23, i8x16_ne = 0x24, i8x16_lt_s = 0x25, i8x16_lt_u = 0x26, i8x16_gt_s = 0x27, i8x16_gt_u = 0x28,
  i8x16_le_s = 0x29, i8x16_le_u = 0x2a, i8x16_ge_s = 0x2b, i8x16_ge_u = 0x2c,
  i16x8_eq = 0x2d, i16x8_ne = 0x2e, i16x8_lt_s = 0x2f, i16x8_lt_u = 0x30, i16x8_gt_s = 0x31, i16x8_gt_u = 0x32,
  i32x4_eq = 0x37, i32x4_ne = 0x38, i32x4_lt_s = 0x39, i32x4_lt_u = 0x3a, i32x4_gt_s = 0x3b, i32x4_gt_u = 0x3c,
  f32x4_eq = 0x41, f32x4_ne = 0x42, f32x4_lt = 0x43, f32x4_gt = 0x44, f32x4_le = 0x45, f32x4_ge = 0x46,
  f64x2_eq = 0x47, f64x2_ne = 0x48, f64x2_lt = 0x49, f64x2_gt = 0x4a, f64x2_le = 0x4b, f64x2_ge = 0x4c,
  v128_not = 0x4d, v128_and = 0x4e, v128_andnot = 0x4f, v128_or = 0x50, v128_xor = 0x51, v128_bitselect = 0x52,
  v128_any_true = 0x53,
  i8x16_abs = 0x60, i8x16_neg = 0x61, i8x16_popcnt = 0x62, i8x16_all_true = 0x63, i8x16_bitmask = 0x64,
  i8x16_narrow_i16x8_s = 0x65, i8x16_narrow_i16x8_u = 0x66,
  i8x16_shl = 0x6b, i8x16_shr_s = 0x6c, i8x16_shr_u = 0x6d, i8x16_add = 0x6e, i8x16_add_sat_s = 0x6f,
  i8x16_add_sat_u = 0x70, i8x16_sub = 0x71, i8x16_sub_sat_s = 0x72, i8x16_sub_sat_u = 0x73,
  i8x16_min_s = 0x76, i8x16_min_u = 0x77, i8x16_max_s = 0x78, i8x16_max_u = 0x79, i8x16_avgr_u = 0x7b,
  i16x8_abs = 0x80, i16x8_neg = 0x81, i16x8_all_true = 0x83, i16x8_bitmask = 0x84,
  i16x8_narrow_i32x4_s = 0x85, i16x8_narrow_i32x4_u = 0x86,
  i16x8_shl = 0x8b, i16x8_shr_s = 0x8c, i16x8_shr_u = 0x8d, i16x8_add = 0x8e, i16x8_add_sat_s = 0x8f,
  i16x8_add_sat_u = 0x90, i16x8_sub = 0x91, i16x8_sub_sat_s = 0x92, i16x8_sub_sat_u = 0x93, i16x8_mul = 0x95,
  i16x8_min_s = 0x96, i16x8_min_u = 0x97, i16x8_max_s = 0x98, i16x8_max_u = 0x99, i16x8_avgr_u = 0x9b,
  i32x4_abs = 0xa0, i32x4_neg = 0xa1, i32x4_all_true = 0xa3, i32x4_bitmask = 0xa4,
  i32x4_shl = 0xab, i32x4_shr_s = 0xac, i32x4_shr_u = 0xad, i32x4_add = 0xae, i32x4_sub = 0xb1, i32x4_mul = 0xb5,
  i32x4_min_s = 0xb6, i32x4_min_u = 0xb7, i32x4_max_s = 0xb8, i32x4_max_u = 0xb9,
  i64x2_abs = 0xc0, i64x2_neg = 0xc1, i64x2_all_true = 0xc3, i64x2_bitmask = 0xc4,
  i64x2_shl = 0xcb, i64x2_shr_s = 0xcc, i64x2_shr_u = 0xcd, i64x2_add = 0xce, i64x2_sub = 0xd1, i64x2_mul = 0xd5,
  i64x2_eq = 0xd6, i64x2_ne = 0xd7, i64x2_lt_s = 0xd8, i64x2_gt_s = 0xd9, i64x2_le_s = 0xda, i64x2_ge_s = 0xdb,
  f32x4_abs = 0xe0, f32x4_neg = 0xe1, f32x4_sqrt = 0xe3, f32x4_add = 0xe4, f32x4_sub = 0xe5, f32x4_mul = 0xe6,
  f32x4_div = 0xe7, f32x4_min = 0xe8, f32x4_max = 0xe9,
  f64x2_abs = 0xec, f64x2_neg = 0xed, f64x2_sqrt = 0xef, f64x2_add = 0xf0, f64x2_sub = 0xf1, f64x2_mul = 0xf2,
  f64x2_div = 0xf3, f64x2_min = 0xf4, f64x2_max = 0xf5,
  i32x4_trunc_sat_f32x4_s = 0xf8, i32x4_trunc_sat_f32x4_u = 0xf9, f32x4_convert_i32x4_s = 0xfa,
  f32x4_convert_i32x4_u = 0xfb,
}

/** A growable byte buffer with the WebAssembly integer encodings. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  u8(b: number): this {
    this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(v: number): this {
    this.room(5);
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.length++] = b;
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of an int32. */
  s32(v: number): this {
    this.room(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.length++] = b;
        return this;
      }
      this.buf[this.length++] = b | 0x80;
    }
  }

  /** Signed LEB128 of an int64 given as a bigint (any value; taken modulo 2^64). */
  s64(v: bigint): this {
    this.room(10);
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.buf[this.length++] = b;
        return this;
      }
      this.buf[this.length++] = b | 0x80;
    }
  }

  f64(v: number): this {
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.length, v, true);
    this.length += 8;
    return this;
  }

  raw(b: Uint8Array | readonly number[]): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** A name (length-prefixed UTF-8; the translator's names are ASCII). */
  name(s: string): this {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i) & 0x7f);
    return this;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** A label handle (`block`, `loop`, `if`): its nesting level when it was opened. */
export interface Label {
  readonly level: number;
}

/**
 * The body of one function: locals and code. Value-stack discipline is the emitter's business
 * (WebAssembly validation checks it at compile time); the builder tracks only the nesting of
 * blocks so that branches name labels instead of depths.
 */
export class FnBuilder {
  readonly code = new Bytes();
  private readonly localTypes: T[] = [];
  private level = 0;

  /** `params`: the function's parameter types (locals 0 .. params.length - 1). */
  constructor(readonly params: readonly T[], readonly results: readonly T[]) {}

  /** A new local of type `t`; returns its index. */
  local(t: T): number {
    this.localTypes.push(t);
    return this.params.length + this.localTypes.length - 1;
  }

  get localCount(): number {
    return this.params.length + this.localTypes.length;
  }

  /** Current nesting level (0 = the function body). */
  get depth(): number {
    return this.level;
  }

  op(...ops: Op[]): this {
    for (const o of ops) this.code.u8(o);
    return this;
  }

  fc(o: OpFC): this {
    this.code.u8(0xfc).u32(o);
    if (o === OpFC.memory_copy) this.code.u8(0).u8(0);
    else if (o === OpFC.memory_fill) this.code.u8(0);
    return this;
  }

  simd(o: OpSimd): this {
    this.code.u8(0xfd).u32(o);
    return this;
  }

  /** A SIMD memory access (v128_load, v128_store, v128_load64_zero, ...). */
  simdMem(o: OpSimd, offset = 0, align = 0): this {
    this.code.u8(0xfd).u32(o).u32(align).u32(offset);
    return this;
  }

  /** A SIMD lane access (extract/replace lane). */
  simdLane(o: OpSimd, lane: number): this {
    this.code.u8(0xfd).u32(o).u8(lane);
    return this;
  }

  v128Const(bytes: readonly number[]): this {
    this.code.u8(0xfd).u32(OpSimd.v128_const).raw(bytes);
    return this;
  }

  shuffle(lanes: readonly number[]): this {
    this.code.u8(0xfd).u32(OpSimd.i8x16_shuffle).raw(lanes);
    return this;
  }

  atomic(o: OpAtomic, offset = 0, align = 2): this {
    this.code.u8(0xfe).u32(o).u32(align).u32(offset);
    return this;
  }

  /** atomic.fence: a sequentially consistent fence (the guest's sync/eieio). */
  fence(): this {
    this.code.u8(0xfe).u32(0x03).u8(0x00);
    return this;
  }

  i32(v: number): this {
    this.code.u8(Op.i32_const).s32(v);
    return this;
  }

  /** i64.const of a bigint, or of a number (an integer of at most 53 bits, or an int32 pair via i64FromHalves). */
  i64(v: bigint | number): this {
    this.code.u8(Op.i64_const).s64(typeof v === "bigint" ? v : BigInt(v));
    return this;
  }

  /** i64.const of the 64-bit value with halves (hi, lo) as int32. */
  i64Halves(hi: number, lo: number): this {
    return this.i64((BigInt(hi | 0) << 32n) | BigInt(lo >>> 0));
  }

  f64(v: number): this {
    this.code.u8(Op.f64_const).f64(v);
    return this;
  }

  get(i: number): this {
    this.code.u8(Op.local_get).u32(i);
    return this;
  }

  set(i: number): this {
    this.code.u8(Op.local_set).u32(i);
    return this;
  }

  tee(i: number): this {
    this.code.u8(Op.local_tee).u32(i);
    return this;
  }

  globalGet(i: number): this {
    this.code.u8(Op.global_get).u32(i);
    return this;
  }

  globalSet(i: number): this {
    this.code.u8(Op.global_set).u32(i);
    return this;
  }

  /** A memory access opcode (loads and stores) with its memarg. `align` is log2 of the alignment hint. */
  mem(o: Op, offset = 0, align = 0): this {
    this.code.u8(o).u32(align).u32(offset);
    return this;
  }

  private open(o: Op, t: T): Label {
    this.code.u8(o).u8(t);
    this.level++;
    return { level: this.level };
  }

  block(t: T = T.void): Label {
    return this.open(Op.block, t);
  }

  loop(t: T = T.void): Label {
    return this.open(Op.loop, t);
  }

  if_(t: T = T.void): Label {
    return this.open(Op.if, t);
  }

  else_(): this {
    this.code.u8(Op.else);
    return this;
  }

  end(): this {
    this.code.u8(Op.end);
    this.level--;
    if (this.level < 0) throw new Error("wasm builder: end without a block");
    return this;
  }

  private rel(l: Label): number {
    const d = this.level - l.level;
    if (d < 0) throw new Error("wasm builder: branch to a label that is closed");
    return d;
  }

  br(l: Label): this {
    this.code.u8(Op.br).u32(this.rel(l));
    return this;
  }

  brIf(l: Label): this {
    this.code.u8(Op.br_if).u32(this.rel(l));
    return this;
  }

  brTable(targets: readonly Label[], dflt: Label): this {
    this.code.u8(Op.br_table).u32(targets.length);
    for (const l of targets) this.code.u32(this.rel(l));
    this.code.u32(this.rel(dflt));
    return this;
  }

  call(fn: number): this {
    this.code.u8(Op.call).u32(fn);
    return this;
  }

  returnCall(fn: number): this {
    this.code.u8(Op.return_call).u32(fn);
    return this;
  }

  callIndirect(type: number, table = 0): this {
    this.code.u8(Op.call_indirect).u32(type).u32(table);
    return this;
  }

  returnCallIndirect(type: number, table = 0): this {
    this.code.u8(Op.return_call_indirect).u32(type).u32(table);
    return this;
  }

  /** The function's encoding in the code section: size, local declarations, body, end. */
  encode(out: Bytes, prologue?: Bytes): void {
    if (this.level !== 0) throw new Error(`wasm builder: ${this.level} blocks left open`);
    const head = new Bytes();
    // Run-length groups of equal local types.
    const groups: [number, T][] = [];
    for (const t of this.localTypes) {
      const g = groups[groups.length - 1];
      if (g !== undefined && g[1] === t) g[0]++;
      else groups.push([1, t]);
    }
    head.u32(groups.length);
    for (const [n, t] of groups) head.u32(n).u8(t);
    const pro = prologue?.bytes() ?? new Uint8Array(0);
    const body = this.code.bytes();
    out.u32(head.length + pro.length + body.length + 1);
    out.raw(head.bytes()).raw(pro).raw(body).u8(Op.end);
  }
}

interface FuncType {
  readonly params: readonly T[];
  readonly results: readonly T[];
}

/** A module: imported functions first (indices 0 ..), then defined functions. */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly imports: Bytes[] = [];
  private importedFuncs = 0;
  private readonly funcs: { type: number; body: FnBuilder; prologue?: Bytes }[] = [];
  private readonly exports: Bytes[] = [];
  /** Names of defined functions (the name section: V8 shows them in CPU profiles and stack traces). */
  private readonly names = new Map<number, string>();

  /** Index of a function type (deduplicated). */
  type(params: readonly T[], results: readonly T[]): number {
    const k = this.types.findIndex((t) => same(t.params, params) && same(t.results, results));
    if (k >= 0) return k;
    this.types.push({ params: [...params], results: [...results] });
    return this.types.length - 1;
  }

  /** Import a function (must come before any defined function); returns its function index. */
  importFunc(module: string, name: string, params: readonly T[], results: readonly T[]): number {
    if (this.funcs.length > 0) throw new Error("wasm builder: imports come before functions");
    const b = new Bytes().name(module).name(name).u8(0x00).u32(this.type(params, results));
    this.imports.push(b);
    return this.importedFuncs++;
  }

  /** Import the shared memory of `pages` 64 KiB pages (initial = maximum). */
  importSharedMemory(module: string, name: string, pages: number): void {
    this.imports.push(new Bytes().name(module).name(name).u8(0x02).u8(0x03).u32(pages).u32(pages));
  }

  /** Import a funcref table of at least `min` entries (table index 0). */
  importTable(module: string, name: string, min: number): void {
    this.imports.push(new Bytes().name(module).name(name).u8(0x01).u8(T.funcref).u8(0x00).u32(min));
  }

  /** Import a mutable i32 global; returns its global index (imports only, so in order). */
  private importedGlobals = 0;
  importGlobal(module: string, name: string, t: T, mutable: boolean): number {
    this.imports.push(new Bytes().name(module).name(name).u8(0x03).u8(t).u8(mutable ? 1 : 0));
    return this.importedGlobals++;
  }

  /** Define a function; returns its function index. Fill `body` before `bytes()`. */
  func(params: readonly T[], results: readonly T[]): { index: number; body: FnBuilder } {
    const body = new FnBuilder(params, results);
    this.funcs.push({ type: this.type(params, results), body });
    return { index: this.importedFuncs + this.funcs.length - 1, body };
  }

  /** Code placed before a function's body (written after the body, e.g. register loads). */
  setPrologue(index: number, prologue: Bytes): void {
    this.funcs[index - this.importedFuncs].prologue = prologue;
  }

  /** Name function `index` in the module's name section. */
  nameFunc(index: number, name: string): void {
    this.names.set(index, name);
  }

  exportFunc(name: string, index: number): void {
    this.exports.push(new Bytes().name(name).u8(0x00).u32(index));
  }

  bytes(): Uint8Array {
    const out = new Bytes().raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, content: Bytes): void => {
      out.u8(id).u32(content.length).raw(content.bytes());
    };
    const ty = new Bytes().u32(this.types.length);
    for (const t of this.types) {
      ty.u8(0x60).u32(t.params.length);
      for (const p of t.params) ty.u8(p);
      ty.u32(t.results.length);
      for (const r of t.results) ty.u8(r);
    }
    section(1, ty);
    if (this.imports.length > 0) {
      const im = new Bytes().u32(this.imports.length);
      for (const b of this.imports) im.raw(b.bytes());
      section(2, im);
    }
    const fn = new Bytes().u32(this.funcs.length);
    for (const f of this.funcs) fn.u32(f.type);
    section(3, fn);
    if (this.exports.length > 0) {
      const ex = new Bytes().u32(this.exports.length);
      for (const b of this.exports) ex.raw(b.bytes());
      section(7, ex);
    }
    const code = new Bytes().u32(this.funcs.length);
    for (const f of this.funcs) f.body.encode(code, f.prologue);
    section(10, code);
    if (this.names.size > 0) {
      // Custom section "name", subsection 1: the function name map, by ascending index.
      const map = new Bytes().u32(this.names.size);
      for (const [i, n] of [...this.names].sort((a, b) => a[0] - b[0])) map.u32(i).name(n);
      const content = new Bytes().name("name").u8(1).u32(map.bytes().length).raw(map.bytes());
      section(0, content);
    }
    return out.bytes();
  }
}

function same(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
