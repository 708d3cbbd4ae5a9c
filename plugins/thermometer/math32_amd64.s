//go:build amd64 && !purego

#include "textflag.h"

// AVX2/FMA versions of tanh32 and expNeg32 (math32.go); see
// math32_amd64.go for their contracts. The constants come in from Go, each
// repeated over 8 lanes (tanhConsts, expConsts).

// func biasTanhAVX2(x, b *float32, rows, cols, stride int, c *[13]lanes)
TEXT ·biasTanhAVX2(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ cols+24(FP), DX
	MOVQ stride+32(FP), R8
	MOVQ c+40(FP), R9
	SHLQ $2, R8
	VMOVUPS 0(R9), Y14  // +clamp
	VMOVUPS 32(R9), Y15 // −clamp

tanhrow:
	TESTQ CX, CX
	JZ    tanhdone
	XORQ  AX, AX

tanhcol:
	CMPQ AX, DX
	JGE  tanhnext
	VMOVUPS (DI)(AX*4), Y0
	VADDPS  (SI)(AX*4), Y0, Y0
	// Clamp to ±c; x is the second source, so NaN stays NaN.
	VMINPS Y0, Y14, Y0
	VMAXPS Y0, Y15, Y0
	VMULPS Y0, Y0, Y1 // x²
	// p = x·(α1 + x²(α3 + … + x²·α13))
	VMOVUPS     64(R9), Y2
	VFMADD213PS 96(R9), Y1, Y2
	VFMADD213PS 128(R9), Y1, Y2
	VFMADD213PS 160(R9), Y1, Y2
	VFMADD213PS 192(R9), Y1, Y2
	VFMADD213PS 224(R9), Y1, Y2
	VFMADD213PS 256(R9), Y1, Y2
	VMULPS      Y0, Y2, Y2
	// q = β0 + x²(β2 + x²(β4 + x²·β6))
	VMOVUPS     288(R9), Y3
	VFMADD213PS 320(R9), Y1, Y3
	VFMADD213PS 352(R9), Y1, Y3
	VFMADD213PS 384(R9), Y1, Y3
	VDIVPS      Y3, Y2, Y2 // p/q
	VMOVUPS     Y2, (DI)(AX*4)
	ADDQ        $8, AX
	JMP         tanhcol

tanhnext:
	ADDQ R8, DI
	DECQ CX
	JMP  tanhrow

tanhdone:
	VZEROUPPER
	RET

// func expAVX2(x *float32, n int, c *[12]lanes)
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ c+16(FP), R9
	XORQ AX, AX

exploop:
	CMPQ AX, CX
	JGE  expdone
	VMOVUPS (DI)(AX*4), Y0
	// n = round(x·log₂e), r = x − n·ln2 (Cody–Waite, two parts).
	VMULPS       0(R9), Y0, Y1
	VROUNDPS     $0, Y1, Y1
	VMOVAPS      Y0, Y2
	VFNMADD231PS 32(R9), Y1, Y2
	VFNMADD231PS 64(R9), Y1, Y2
	// e^r = 1 + r + r²·P(r)
	VMOVUPS     128(R9), Y3
	VFMADD213PS 160(R9), Y2, Y3
	VFMADD213PS 192(R9), Y2, Y3
	VFMADD213PS 224(R9), Y2, Y3
	VFMADD213PS 256(R9), Y2, Y3
	VFMADD213PS 288(R9), Y2, Y3
	VMULPS      Y2, Y2, Y4
	VFMADD213PS Y2, Y4, Y3
	VADDPS      320(R9), Y3, Y3
	// ·2ⁿ, built from the exponent bits.
	VCVTPS2DQ Y1, Y5
	VPADDD    352(R9), Y5, Y5
	VPSLLD    $23, Y5, Y5
	VMULPS    Y5, Y3, Y3
	// 0 where x < the underflow bound.
	VCMPPS  $1, 96(R9), Y0, Y6
	VANDNPS Y3, Y6, Y3
	VMOVUPS Y3, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     exploop

expdone:
	VZEROUPPER
	RET

// func tanhBackwardAVX2(d, z, gb *float32, rows, cols, stride int)
TEXT ·tanhBackwardAVX2(SB), NOSPLIT, $0-48
	MOVQ d+0(FP), DI
	MOVQ z+8(FP), SI
	MOVQ gb+16(FP), BX
	MOVQ rows+24(FP), CX
	MOVQ cols+32(FP), DX
	MOVQ stride+40(FP), R8
	SHLQ $2, R8

backrow:
	TESTQ CX, CX
	JZ    backdone
	XORQ  AX, AX

backcol:
	CMPQ AX, DX
	JGE  backnext
	VMOVUPS      (DI)(AX*4), Y0
	VMOVUPS      (SI)(AX*4), Y1
	VMULPS       Y1, Y0, Y2     // d·z
	VFNMADD231PS Y1, Y2, Y0     // d − d·z·z
	VMOVUPS      Y0, (DI)(AX*4)
	VADDPS       (BX)(AX*4), Y0, Y3
	VMOVUPS      Y3, (BX)(AX*4)
	ADDQ         $8, AX
	JMP          backcol

backnext:
	ADDQ R8, DI
	ADDQ R8, SI
	DECQ CX
	JMP  backrow

backdone:
	VZEROUPPER
	RET
