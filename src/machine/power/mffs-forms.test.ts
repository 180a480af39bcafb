// The ISA 3.0 mffs forms (mffsce, mffscdrn, mffscdrni, mffscrn, mffscrni, mffsl) execute as
// plain mffs, as on a POWER8: FRT := the whole FPSCR, the FPSCR unchanged (no new rounding
// mode, no enable bits cleared). qemu 7.2 -cpu power8 cannot be the oracle here (it decodes
// them as illegal), so this test states the POWER8 semantics directly; src/linux/libm.test.ts
// runs glibc's libm, which executes them, against qemu -cpu power9.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Exit } from "./cpu.js";
import { S } from "./state.js";
import { nameOf } from "./decode.js";
import { decoder } from "./engine.js";
import { fprLo } from "./ops/fp-loadstore.js";
import { machine } from "./difftest/machine.js";

const SC = 0x44000002;
/** X-form, primary 63, XO 583 (mffs), with the given RA field, RB field and Rc. */
const mffsWord = (frt: number, ra: number, rb: number, rc = 0): number =>
  ((63 << 26) | (frt << 21) | (ra << 16) | (rb << 11) | (583 << 1) | rc) >>> 0;

/**
 * Each form with operands whose ISA 3.0 meaning would change the FPSCR, and the word binutils
 * 2.40 assembles for `<mnemonic> f3, <operand>` (checked with objdump): the hand encoding must
 * agree with the assembler.
 */
const FORMS: readonly { name: string; ra: number; rb: number; f3: number }[] = [
  { name: "mffsce", ra: 1, rb: 0, f3: 0xfc61048e }, // would clear the enable bits
  { name: "mffscdrn", ra: 20, rb: 9, f3: 0xfc744c8e }, // mffscdrn f3,f9: would set DRN from f9
  { name: "mffscdrni", ra: 21, rb: 5, f3: 0xfc752c8e }, // mffscdrni f3,5: would set DRN = 5
  { name: "mffscrn", ra: 22, rb: 9, f3: 0xfc764c8e }, // mffscrn f3,f9: would set RN from f9
  { name: "mffscrni", ra: 23, rb: 2, f3: 0xfc77148e }, // mffscrni f3,2: would set RN = 2
  { name: "mffsl", ra: 24, rb: 0, f3: 0xfc78048e }, // would return only some fields
];

// A consistent, nonzero FPSCR. Bits 32:63: FX FEX VX OX, VXSNAN, FR FI, FPRF = +normal (FG),
// the enables VE ZE, RN = 3 (toward -infinity). Bits 0:31: DRN = 3.
const FPSCR_LO = (0xf1000000 | 0x00060000 | 0x00004000 | 0x00000090 | 0x3) | 0;
const FPSCR_HI = 3;

const MODES = [
  { what: "64-bit big-endian", sf: true, le: false },
  { what: "64-bit little-endian", sf: true, le: true },
  { what: "32-bit big-endian", sf: false, le: false },
] as const;

test("the ISA 3.0 mffs forms decode under their own mnemonics, with binutils' encodings", () => {
  for (const f of FORMS) {
    const w = mffsWord(3, f.ra, f.rb);
    assert.equal(w, f.f3, `${f.name}: encoding`);
    const d = decoder().decode(w);
    assert.ok(d !== undefined, `${f.name} decodes`);
    assert.equal(d.mnemonic, f.name);
    assert.equal(nameOf(d, w), f.name);
    assert.equal(d.exec, decoder().decode(mffsWord(3, 0, 0))?.exec, `${f.name} runs the mffs handler`);
  }
});

for (const m of MODES) {
  for (const interp of [false, true]) {
    test(`mffs forms copy the whole FPSCR and change nothing (${m.what}, ${interp ? "single-step" : "block engine"})`, () => {
      for (const f of [{ name: "mffs", ra: 0, rb: 0 }, ...FORMS]) {
        for (const rc of [0, 1]) {
          const mc = machine(m.sf, m.le);
          const c = mc.c;
          c.r[S.FPSCR] = FPSCR_LO;
          c.r[S.FPSCR_HI] = FPSCR_HI;
          // f9 (the RB of mffscrn/mffscdrn) holds RN = 0, DRN = 0; f7 (FRT) holds garbage.
          c.r[fprLo(9)] = 0;
          c.r[fprLo(9) + 1] = 0;
          c.r[fprLo(7)] = 0x12345678;
          c.r[fprLo(7) + 1] = -0x789abcdf;
          c.r[S.CR + 1] = 0;
          const before = Array.from(c.r);
          mc.code(0x1000, 0, [mffsWord(7, f.ra, f.rb, rc), SC]);
          let exit: Exit;
          if (interp) {
            c.setPc(0x1000, 0);
            c.exit = Exit.None;
            while (c.exit === Exit.None) c.engine.step();
            exit = c.exit;
          } else {
            exit = mc.runAt(0x1000, 0);
          }
          const what = `${f.name}${rc ? " (Rc=1)" : ""}`;
          assert.equal(exit, Exit.Syscall, `${what}: ${c.describeExit()}`);
          assert.equal(c.icount, 2, what);
          assert.equal(c.r[fprLo(7)], FPSCR_LO, `${what}: FRT low word = FPSCR bits 32:63`);
          assert.equal(c.r[fprLo(7) + 1], FPSCR_HI, `${what}: FRT high word = FPSCR bits 0:31`);
          assert.equal(c.r[S.FPSCR], FPSCR_LO, `${what}: FPSCR bits 32:63 unchanged (RN still 3)`);
          assert.equal(c.r[S.FPSCR_HI], FPSCR_HI, `${what}: FPSCR bits 0:31 unchanged (DRN still 3)`);
          // CR1 := FX FEX VX OX with Rc = 1, untouched otherwise.
          assert.equal(c.r[S.CR + 1], rc ? 0xf : 0, `${what}: CR1`);
          // Nothing else in the state changed: only FRT, CR1 (Rc=1) and the PC may differ.
          const changed: number[] = [];
          for (let i = 0; i < before.length; i++) if (before[i] !== c.r[i]) changed.push(i);
          const allowed = new Set([fprLo(7), fprLo(7) + 1, S.PC, S.PC + 1, S.CR + 1]);
          assert.deepEqual(changed.filter((i) => !allowed.has(i)), [], `${what}: other state words changed`);
        }
      }
    });
  }
}

test("other nonzero RA values in an mffs word stay illegal instructions", () => {
  for (const m of MODES) {
    for (const ra of [2, 3, 8, 16, 19, 25, 26, 31]) {
      for (const rc of [0, 1]) {
        const w = mffsWord(3, ra, 0, rc);
        assert.equal(decoder().decode(w), undefined, `RA=${ra}`);
        const mc = machine(m.sf, m.le);
        mc.code(0x1000, 0, [w, SC]);
        assert.equal(mc.runAt(0x1000, 0), Exit.Illegal, `RA=${ra} Rc=${rc} (${m.what})`);
        assert.equal(mc.c.exitPc, 0x1000);
        assert.equal(mc.c.exitWord >>> 0, w);
      }
    }
  }
});
