//go:build amd64 && !purego

#include "textflag.h"

// The AVX2/FMA and AVX-512 kernels (see kernels_amd64.go for their
// contracts).

// Coefficients of Tanh32 (elementwise.go), each repeated over the 8 lanes
// of a YMM register.
// 0: +clamp = 7.905311
DATA tanhc<>+0(SB)/8, $0x40fcf84f40fcf84f
DATA tanhc<>+8(SB)/8, $0x40fcf84f40fcf84f
DATA tanhc<>+16(SB)/8, $0x40fcf84f40fcf84f
DATA tanhc<>+24(SB)/8, $0x40fcf84f40fcf84f
// 32: -clamp = -7.905311
DATA tanhc<>+32(SB)/8, $0xc0fcf84fc0fcf84f
DATA tanhc<>+40(SB)/8, $0xc0fcf84fc0fcf84f
DATA tanhc<>+48(SB)/8, $0xc0fcf84fc0fcf84f
DATA tanhc<>+56(SB)/8, $0xc0fcf84fc0fcf84f
// 64: alpha_13 = -2.7607684e-16
DATA tanhc<>+64(SB)/8, $0xa59f25c0a59f25c0
DATA tanhc<>+72(SB)/8, $0xa59f25c0a59f25c0
DATA tanhc<>+80(SB)/8, $0xa59f25c0a59f25c0
DATA tanhc<>+88(SB)/8, $0xa59f25c0a59f25c0
// 96: alpha_11 = 2.000188e-13
DATA tanhc<>+96(SB)/8, $0x2a61337e2a61337e
DATA tanhc<>+104(SB)/8, $0x2a61337e2a61337e
DATA tanhc<>+112(SB)/8, $0x2a61337e2a61337e
DATA tanhc<>+120(SB)/8, $0x2a61337e2a61337e
// 128: alpha_9 = -8.604672e-11
DATA tanhc<>+128(SB)/8, $0xaebd37ffaebd37ff
DATA tanhc<>+136(SB)/8, $0xaebd37ffaebd37ff
DATA tanhc<>+144(SB)/8, $0xaebd37ffaebd37ff
DATA tanhc<>+152(SB)/8, $0xaebd37ffaebd37ff
// 160: alpha_7 = 5.1222973e-08
DATA tanhc<>+160(SB)/8, $0x335c0041335c0041
DATA tanhc<>+168(SB)/8, $0x335c0041335c0041
DATA tanhc<>+176(SB)/8, $0x335c0041335c0041
DATA tanhc<>+184(SB)/8, $0x335c0041335c0041
// 192: alpha_5 = 1.48572235e-05
DATA tanhc<>+192(SB)/8, $0x3779434a3779434a
DATA tanhc<>+200(SB)/8, $0x3779434a3779434a
DATA tanhc<>+208(SB)/8, $0x3779434a3779434a
DATA tanhc<>+216(SB)/8, $0x3779434a3779434a
// 224: alpha_3 = 0.00063726195
DATA tanhc<>+224(SB)/8, $0x3a270ded3a270ded
DATA tanhc<>+232(SB)/8, $0x3a270ded3a270ded
DATA tanhc<>+240(SB)/8, $0x3a270ded3a270ded
DATA tanhc<>+248(SB)/8, $0x3a270ded3a270ded
// 256: alpha_1 = 0.0048935246
DATA tanhc<>+256(SB)/8, $0x3ba059dc3ba059dc
DATA tanhc<>+264(SB)/8, $0x3ba059dc3ba059dc
DATA tanhc<>+272(SB)/8, $0x3ba059dc3ba059dc
DATA tanhc<>+280(SB)/8, $0x3ba059dc3ba059dc
// 288: beta_6 = 1.1982584e-06
DATA tanhc<>+288(SB)/8, $0x35a0d3d835a0d3d8
DATA tanhc<>+296(SB)/8, $0x35a0d3d835a0d3d8
DATA tanhc<>+304(SB)/8, $0x35a0d3d835a0d3d8
DATA tanhc<>+312(SB)/8, $0x35a0d3d835a0d3d8
// 320: beta_4 = 0.00011853471
DATA tanhc<>+320(SB)/8, $0x38f895d638f895d6
DATA tanhc<>+328(SB)/8, $0x38f895d638f895d6
DATA tanhc<>+336(SB)/8, $0x38f895d638f895d6
DATA tanhc<>+344(SB)/8, $0x38f895d638f895d6
// 352: beta_2 = 0.0022684347
DATA tanhc<>+352(SB)/8, $0x3b14aa053b14aa05
DATA tanhc<>+360(SB)/8, $0x3b14aa053b14aa05
DATA tanhc<>+368(SB)/8, $0x3b14aa053b14aa05
DATA tanhc<>+376(SB)/8, $0x3b14aa053b14aa05
// 384: beta_0 = 0.004893525
DATA tanhc<>+384(SB)/8, $0x3ba059dd3ba059dd
DATA tanhc<>+392(SB)/8, $0x3ba059dd3ba059dd
DATA tanhc<>+400(SB)/8, $0x3ba059dd3ba059dd
DATA tanhc<>+408(SB)/8, $0x3ba059dd3ba059dd
GLOBL tanhc<>(SB), RODATA|NOPTR, $416

// Constants of ExpNeg32 (elementwise.go), each over 8 lanes.
// 0: log2(e)
DATA expc<>+0(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA expc<>+8(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA expc<>+16(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA expc<>+24(SB)/8, $0x3fb8aa3b3fb8aa3b
// 32: ln2 high
DATA expc<>+32(SB)/8, $0x3f3180003f318000
DATA expc<>+40(SB)/8, $0x3f3180003f318000
DATA expc<>+48(SB)/8, $0x3f3180003f318000
DATA expc<>+56(SB)/8, $0x3f3180003f318000
// 64: ln2 low
DATA expc<>+64(SB)/8, $0xb95e8083b95e8083
DATA expc<>+72(SB)/8, $0xb95e8083b95e8083
DATA expc<>+80(SB)/8, $0xb95e8083b95e8083
DATA expc<>+88(SB)/8, $0xb95e8083b95e8083
// 96: underflow bound
DATA expc<>+96(SB)/8, $0xc2aeac50c2aeac50
DATA expc<>+104(SB)/8, $0xc2aeac50c2aeac50
DATA expc<>+112(SB)/8, $0xc2aeac50c2aeac50
DATA expc<>+120(SB)/8, $0xc2aeac50c2aeac50
// 128: p0
DATA expc<>+128(SB)/8, $0x3950696739506967
DATA expc<>+136(SB)/8, $0x3950696739506967
DATA expc<>+144(SB)/8, $0x3950696739506967
DATA expc<>+152(SB)/8, $0x3950696739506967
// 160: p1
DATA expc<>+160(SB)/8, $0x3ab743ce3ab743ce
DATA expc<>+168(SB)/8, $0x3ab743ce3ab743ce
DATA expc<>+176(SB)/8, $0x3ab743ce3ab743ce
DATA expc<>+184(SB)/8, $0x3ab743ce3ab743ce
// 192: p2
DATA expc<>+192(SB)/8, $0x3c0889083c088908
DATA expc<>+200(SB)/8, $0x3c0889083c088908
DATA expc<>+208(SB)/8, $0x3c0889083c088908
DATA expc<>+216(SB)/8, $0x3c0889083c088908
// 224: p3
DATA expc<>+224(SB)/8, $0x3d2aa9c13d2aa9c1
DATA expc<>+232(SB)/8, $0x3d2aa9c13d2aa9c1
DATA expc<>+240(SB)/8, $0x3d2aa9c13d2aa9c1
DATA expc<>+248(SB)/8, $0x3d2aa9c13d2aa9c1
// 256: p4
DATA expc<>+256(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA expc<>+264(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA expc<>+272(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA expc<>+280(SB)/8, $0x3e2aaaaa3e2aaaaa
// 288: p5
DATA expc<>+288(SB)/8, $0x3f0000003f000000
DATA expc<>+296(SB)/8, $0x3f0000003f000000
DATA expc<>+304(SB)/8, $0x3f0000003f000000
DATA expc<>+312(SB)/8, $0x3f0000003f000000
// 320: 1
DATA expc<>+320(SB)/8, $0x3f8000003f800000
DATA expc<>+328(SB)/8, $0x3f8000003f800000
DATA expc<>+336(SB)/8, $0x3f8000003f800000
DATA expc<>+344(SB)/8, $0x3f8000003f800000
// 352: exponent bias 127 (int32)
DATA expc<>+352(SB)/8, $0x0000007f0000007f
DATA expc<>+360(SB)/8, $0x0000007f0000007f
DATA expc<>+368(SB)/8, $0x0000007f0000007f
DATA expc<>+376(SB)/8, $0x0000007f0000007f
GLOBL expc<>(SB), RODATA|NOPTR, $384

// TANH replaces Y0 by tanh(Y0); it needs the clamp bounds in Y4 (+c) and
// Y5 (−c) and clobbers Y1–Y3. The min/max take Y0 as their second source,
// so a NaN input stays NaN.
#define TANH \
	VMINPS Y0, Y4, Y0 ; \
	VMAXPS Y0, Y5, Y0 ; \
	VMULPS Y0, Y0, Y1 ; \
	VMOVUPS tanhc<>+64(SB), Y2 ; \
	VFMADD213PS tanhc<>+96(SB), Y1, Y2 ; \
	VFMADD213PS tanhc<>+128(SB), Y1, Y2 ; \
	VFMADD213PS tanhc<>+160(SB), Y1, Y2 ; \
	VFMADD213PS tanhc<>+192(SB), Y1, Y2 ; \
	VFMADD213PS tanhc<>+224(SB), Y1, Y2 ; \
	VFMADD213PS tanhc<>+256(SB), Y1, Y2 ; \
	VMULPS Y0, Y2, Y2 ; \
	VMOVUPS tanhc<>+288(SB), Y3 ; \
	VFMADD213PS tanhc<>+320(SB), Y1, Y3 ; \
	VFMADD213PS tanhc<>+352(SB), Y1, Y3 ; \
	VFMADD213PS tanhc<>+384(SB), Y1, Y3 ; \
	VDIVPS Y3, Y2, Y0

// func tanhBias8(x, b *float32, n int)
TEXT ·tanhBias8(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JEQ  tbdone
	VMOVUPS tanhc<>+0(SB), Y4
	VMOVUPS tanhc<>+32(SB), Y5

tbloop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	TANH
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     tbloop

tbdone:
	VZEROUPPER
	RET

// func tanhBiasSum8(x, b, sum *float32, n int)
TEXT ·tanhBiasSum8(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ sum+16(FP), R8
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JEQ  tsdone
	VMOVUPS tanhc<>+0(SB), Y4
	VMOVUPS tanhc<>+32(SB), Y5

tsloop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	TANH
	VMOVUPS Y0, (DI)
	VADDPS  (R8), Y0, Y6
	VMOVUPS Y6, (R8)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	DECQ    CX
	JNZ     tsloop

tsdone:
	VZEROUPPER
	RET

// func tanhBiasSumErr8(x, b, sum, ref *float32, n int) float32
TEXT ·tanhBiasSumErr8(SB), NOSPLIT, $0-44
	MOVQ   x+0(FP), DI
	MOVQ   b+8(FP), SI
	MOVQ   sum+16(FP), R8
	MOVQ   ref+24(FP), R9
	MOVQ   n+32(FP), CX
	VXORPS Y8, Y8, Y8
	SHRQ   $3, CX
	JEQ    tedone
	VMOVUPS tanhc<>+0(SB), Y4
	VMOVUPS tanhc<>+32(SB), Y5

teloop:
	VMOVUPS     (DI), Y0
	VADDPS      (SI), Y0, Y0
	TANH
	VMOVUPS     Y0, (DI)
	VADDPS      (R8), Y0, Y6
	VMOVUPS     Y6, (R8)
	VMOVUPS     (R9), Y7
	VSUBPS      Y0, Y7, Y7
	VFMADD231PS Y7, Y7, Y8
	ADDQ        $32, DI
	ADDQ        $32, SI
	ADDQ        $32, R8
	ADDQ        $32, R9
	DECQ        CX
	JNZ         teloop

tedone:
	VEXTRACTF128 $1, Y8, X9
	VADDPS       X9, X8, X8
	VHADDPS      X8, X8, X8
	VHADDPS      X8, X8, X8
	MOVSS        X8, ret+40(FP)
	VZEROUPPER
	RET

// func tanhBackward8(d, z, gb *float32, n int)
TEXT ·tanhBackward8(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ z+8(FP), SI
	MOVQ gb+16(FP), BX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JEQ  bkdone

bkloop:
	VMOVUPS      (DI), Y0
	VMOVUPS      (SI), Y1
	VMULPS       Y1, Y0, Y2 // d·z
	VFNMADD231PS Y1, Y2, Y0 // d − d·z·z
	VMOVUPS      Y0, (DI)
	VADDPS       (BX), Y0, Y3
	VMOVUPS      Y3, (BX)
	ADDQ         $32, DI
	ADDQ         $32, SI
	ADDQ         $32, BX
	DECQ         CX
	JNZ          bkloop

bkdone:
	VZEROUPPER
	RET

// func exp8(x *float32, n int)
TEXT ·exp8(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	JEQ  exdone

exloop:
	VMOVUPS (DI), Y0
	// n = round(x·log₂e), r = x − n·ln2 (Cody–Waite, two parts).
	VMULPS       expc<>+0(SB), Y0, Y1
	VROUNDPS     $0, Y1, Y1
	VMOVAPS      Y0, Y2
	VFNMADD231PS expc<>+32(SB), Y1, Y2
	VFNMADD231PS expc<>+64(SB), Y1, Y2
	// e^r = 1 + r + r²·P(r)
	VMOVUPS     expc<>+128(SB), Y3
	VFMADD213PS expc<>+160(SB), Y2, Y3
	VFMADD213PS expc<>+192(SB), Y2, Y3
	VFMADD213PS expc<>+224(SB), Y2, Y3
	VFMADD213PS expc<>+256(SB), Y2, Y3
	VFMADD213PS expc<>+288(SB), Y2, Y3
	VMULPS      Y2, Y2, Y4
	VFMADD213PS Y2, Y4, Y3
	VADDPS      expc<>+320(SB), Y3, Y3
	// ·2ⁿ, built from the exponent bits.
	VCVTPS2DQ Y1, Y5
	VPADDD    expc<>+352(SB), Y5, Y5
	VPSLLD    $23, Y5, Y5
	VMULPS    Y5, Y3, Y3
	// 0 where x < the underflow bound.
	VCMPPS  $1, expc<>+96(SB), Y0, Y6
	VANDNPS Y3, Y6, Y3
	VMOVUPS Y3, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     exloop

exdone:
	VZEROUPPER
	RET
// func kern4x16(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
//
// C[r][0:16] (=|+=) alpha · Σ_{l<k} A(r, l)·B(l)[0:16] for r < 4, where
// A(r, l) = a[r·ars + l·aks], B(l) = b[l·bks:], C[r] = c[r·ldc:]; strides
// in elements. Accumulators: row r in Y(2r), Y(2r+1). The loop does two
// values of l per turn.
TEXT ·kern4x16(SB), NOSPLIT, $0-69
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ars+16(FP), R8
	SHLQ $2, R8
	MOVQ aks+24(FP), R10
	SHLQ $2, R10
	MOVQ b+32(FP), BX
	MOVQ bks+40(FP), R11
	SHLQ $2, R11
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   CX, DX
	SHRQ $1, DX
	JEQ  ktail

kloop:
	VMOVUPS      (BX), Y8
	VMOVUPS      32(BX), Y9
	VBROADCASTSS (SI), Y10
	VBROADCASTSS (SI)(R8*1), Y11
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (SI)(R8*2), Y12
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (R9), Y13
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         R10, SI
	ADDQ         R10, R9
	ADDQ         R11, BX
	VMOVUPS      (BX), Y8
	VMOVUPS      32(BX), Y9
	VBROADCASTSS (SI), Y10
	VBROADCASTSS (SI)(R8*1), Y11
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (SI)(R8*2), Y12
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (R9), Y13
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         R10, SI
	ADDQ         R10, R9
	ADDQ         R11, BX
	DECQ         DX
	JNZ          kloop

ktail:
	TESTQ $1, CX
	JEQ   kstore
	VMOVUPS      (BX), Y8
	VMOVUPS      32(BX), Y9
	VBROADCASTSS (SI), Y10
	VBROADCASTSS (SI)(R8*1), Y11
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (SI)(R8*2), Y12
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (R9), Y13
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         R10, SI
	ADDQ         R10, R9
	ADDQ         R11, BX

kstore:
	VBROADCASTSS alpha+64(FP), Y14
	VMULPS       Y14, Y0, Y0
	VMULPS       Y14, Y1, Y1
	VMULPS       Y14, Y2, Y2
	VMULPS       Y14, Y3, Y3
	VMULPS       Y14, Y4, Y4
	VMULPS       Y14, Y5, Y5
	VMULPS       Y14, Y6, Y6
	VMULPS       Y14, Y7, Y7
	MOVQ         c+48(FP), DI
	MOVQ         ldc+56(FP), R12
	SHLQ         $2, R12
	MOVBLZX      acc+68(FP), AX
	TESTQ        AX, AX
	JEQ          kput
	VADDPS       (DI), Y0, Y0
	VADDPS       32(DI), Y1, Y1
	VMOVUPS      Y0, (DI)
	VMOVUPS      Y1, 32(DI)
	ADDQ         R12, DI
	VADDPS       (DI), Y2, Y2
	VADDPS       32(DI), Y3, Y3
	VMOVUPS      Y2, (DI)
	VMOVUPS      Y3, 32(DI)
	ADDQ         R12, DI
	VADDPS       (DI), Y4, Y4
	VADDPS       32(DI), Y5, Y5
	VMOVUPS      Y4, (DI)
	VMOVUPS      Y5, 32(DI)
	ADDQ         R12, DI
	VADDPS       (DI), Y6, Y6
	VADDPS       32(DI), Y7, Y7
	VMOVUPS      Y6, (DI)
	VMOVUPS      Y7, 32(DI)
	VZEROUPPER
	RET

kput:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    R12, DI
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, 32(DI)
	ADDQ    R12, DI
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ    R12, DI
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, 32(DI)
	VZEROUPPER
	RET

// The AVX-512 micro-kernels: 8 rows of C, 32 (kern8x32) or 16 (kern8x16)
// columns (the others, at the end of the file, are built the same way),
// with the arguments of kern4x16 and, element by element, its arithmetic:
// the same fused multiply-add chain over l, then ·alpha, then + C. Row r
// of A is at SI + r·ars: rows 0–2 and 4 from SI, 3 and 5 from R9 = SI +
// 3·ars, 6 and 7 from R13 = SI + 6·ars.
// ZERO8 … ZERO24 clear the accumulators Z0–Z7 … Z0–Z23.
#define ZERO8 \
	VXORPS Z0, Z0, Z0 ; \
	VXORPS Z1, Z1, Z1 ; \
	VXORPS Z2, Z2, Z2 ; \
	VXORPS Z3, Z3, Z3 ; \
	VXORPS Z4, Z4, Z4 ; \
	VXORPS Z5, Z5, Z5 ; \
	VXORPS Z6, Z6, Z6 ; \
	VXORPS Z7, Z7, Z7

#define ZERO12 \
	ZERO8 ; \
	VXORPS Z8, Z8, Z8 ; \
	VXORPS Z9, Z9, Z9 ; \
	VXORPS Z10, Z10, Z10 ; \
	VXORPS Z11, Z11, Z11

#define ZERO16 \
	ZERO12 ; \
	VXORPS Z12, Z12, Z12 ; \
	VXORPS Z13, Z13, Z13 ; \
	VXORPS Z14, Z14, Z14 ; \
	VXORPS Z15, Z15, Z15

#define ZERO24 \
	ZERO16 ; \
	VXORPS Z16, Z16, Z16 ; \
	VXORPS Z17, Z17, Z17 ; \
	VXORPS Z18, Z18, Z18 ; \
	VXORPS Z19, Z19, Z19 ; \
	VXORPS Z20, Z20, Z20 ; \
	VXORPS Z21, Z21, Z21 ; \
	VXORPS Z22, Z22, Z22 ; \
	VXORPS Z23, Z23, Z23

// CARGS loads what the STORE macros use: alpha broadcast in Z30, C in
// DI, its row stride in bytes in R12, acc in AX.
#define CARGS \
	VBROADCASTSS alpha+64(FP), Z30 ; \
	MOVQ         c+48(FP), DI ; \
	MOVQ         ldc+56(FP), R12 ; \
	SHLQ         $2, R12 ; \
	MOVBLZX      acc+68(FP), AX

#define AROWS \
	MOVQ k+0(FP), CX ; \
	MOVQ a+8(FP), SI ; \
	MOVQ ars+16(FP), R8 ; \
	SHLQ $2, R8 ; \
	MOVQ aks+24(FP), R10 ; \
	SHLQ $2, R10 ; \
	MOVQ b+32(FP), BX ; \
	MOVQ bks+40(FP), R11 ; \
	SHLQ $2, R11 ; \
	LEAQ (SI)(R8*2), R9 ; \
	ADDQ R8, R9 ; \
	LEAQ (R9)(R8*2), R13 ; \
	ADDQ R8, R13

// STEP32 adds A(·, l)·B(l)[0:32] to Z0–Z15 (row r in Z(2r), Z(2r+1)) and
// moves to l+1.
#define STEP32 \
	VMOVUPS      (BX), Z16 ; \
	VMOVUPS      64(BX), Z17 ; \
	VBROADCASTSS (SI), Z18 ; \
	VBROADCASTSS (SI)(R8*1), Z19 ; \
	VBROADCASTSS (SI)(R8*2), Z20 ; \
	VBROADCASTSS (R9), Z21 ; \
	VFMADD231PS  Z16, Z18, Z0 ; \
	VFMADD231PS  Z17, Z18, Z1 ; \
	VBROADCASTSS (SI)(R8*4), Z22 ; \
	VFMADD231PS  Z16, Z19, Z2 ; \
	VFMADD231PS  Z17, Z19, Z3 ; \
	VBROADCASTSS (R9)(R8*2), Z23 ; \
	VFMADD231PS  Z16, Z20, Z4 ; \
	VFMADD231PS  Z17, Z20, Z5 ; \
	VBROADCASTSS (R13), Z24 ; \
	VFMADD231PS  Z16, Z21, Z6 ; \
	VFMADD231PS  Z17, Z21, Z7 ; \
	VBROADCASTSS (R13)(R8*1), Z25 ; \
	VFMADD231PS  Z16, Z22, Z8 ; \
	VFMADD231PS  Z17, Z22, Z9 ; \
	VFMADD231PS  Z16, Z23, Z10 ; \
	VFMADD231PS  Z17, Z23, Z11 ; \
	VFMADD231PS  Z16, Z24, Z12 ; \
	VFMADD231PS  Z17, Z24, Z13 ; \
	VFMADD231PS  Z16, Z25, Z14 ; \
	VFMADD231PS  Z17, Z25, Z15 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R10, R13 ; \
	ADDQ         R11, BX

// STORE2 writes row accumulators Za, Zb (·alpha in Z30, + C when AX ≠ 0)
// to C at DI and moves DI to the next row.
#define STORE2(za, zb) \
	VMULPS  Z30, za, za ; \
	VMULPS  Z30, zb, zb ; \
	TESTQ   AX, AX ; \
	JEQ     3(PC) ; \
	VADDPS  (DI), za, za ; \
	VADDPS  64(DI), zb, zb ; \
	VMOVUPS za, (DI) ; \
	VMOVUPS zb, 64(DI) ; \
	ADDQ    R12, DI

// func kern8x32(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern8x32(SB), NOSPLIT, $0-69
	AROWS
	ZERO16
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k32tail

k32loop:
	STEP32
	STEP32
	DECQ DX
	JNZ  k32loop

k32tail:
	TESTQ $1, CX
	JEQ   k32store
	STEP32

k32store:
	CARGS
	STORE2(Z0, Z1)
	STORE2(Z2, Z3)
	STORE2(Z4, Z5)
	STORE2(Z6, Z7)
	STORE2(Z8, Z9)
	STORE2(Z10, Z11)
	STORE2(Z12, Z13)
	STORE2(Z14, Z15)
	VZEROUPPER
	RET

// STEP16 adds A(·, l)·B(l)[0:16] to Z0–Z7 (row r in Zr) and moves to l+1.
#define STEP16 \
	VMOVUPS      (BX), Z16 ; \
	VBROADCASTSS (SI), Z18 ; \
	VBROADCASTSS (SI)(R8*1), Z19 ; \
	VBROADCASTSS (SI)(R8*2), Z20 ; \
	VBROADCASTSS (R9), Z21 ; \
	VFMADD231PS  Z16, Z18, Z0 ; \
	VBROADCASTSS (SI)(R8*4), Z22 ; \
	VFMADD231PS  Z16, Z19, Z1 ; \
	VBROADCASTSS (R9)(R8*2), Z23 ; \
	VFMADD231PS  Z16, Z20, Z2 ; \
	VBROADCASTSS (R13), Z24 ; \
	VFMADD231PS  Z16, Z21, Z3 ; \
	VBROADCASTSS (R13)(R8*1), Z25 ; \
	VFMADD231PS  Z16, Z22, Z4 ; \
	VFMADD231PS  Z16, Z23, Z5 ; \
	VFMADD231PS  Z16, Z24, Z6 ; \
	VFMADD231PS  Z16, Z25, Z7 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R10, R13 ; \
	ADDQ         R11, BX

// STORE1 writes the row accumulator Za like STORE2.
#define STORE1(za) \
	VMULPS  Z30, za, za ; \
	TESTQ   AX, AX ; \
	JEQ     2(PC) ; \
	VADDPS  (DI), za, za ; \
	VMOVUPS za, (DI) ; \
	ADDQ    R12, DI

// func kern8x16(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern8x16(SB), NOSPLIT, $0-69
	AROWS
	ZERO8
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k16tail

k16loop:
	STEP16
	STEP16
	DECQ DX
	JNZ  k16loop

k16tail:
	TESTQ $1, CX
	JEQ   k16store
	STEP16

k16store:
	CARGS
	STORE1(Z0)
	STORE1(Z1)
	STORE1(Z2)
	STORE1(Z3)
	STORE1(Z4)
	STORE1(Z5)
	STORE1(Z6)
	STORE1(Z7)
	VZEROUPPER
	RET

// func fmaLoop512(n int)
//
// n turns of 16 independent fused multiply-adds on ZMM registers (512
// float32 flops a turn): the machine's float32 peak, for the GEMM
// benchmarks to be measured against.
TEXT ·fmaLoop512(SB), NOSPLIT, $0-8
	MOVQ   n+0(FP), CX
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	VXORPS Z8, Z8, Z8
	VXORPS Z9, Z9, Z9
	VXORPS Z10, Z10, Z10
	VXORPS Z11, Z11, Z11
	VXORPS Z12, Z12, Z12
	VXORPS Z13, Z13, Z13
	VXORPS Z14, Z14, Z14
	VXORPS Z15, Z15, Z15
	VXORPS Z16, Z16, Z16
	VXORPS Z17, Z17, Z17

fl512:
	VFMADD231PS Z16, Z17, Z0
	VFMADD231PS Z16, Z17, Z1
	VFMADD231PS Z16, Z17, Z2
	VFMADD231PS Z16, Z17, Z3
	VFMADD231PS Z16, Z17, Z4
	VFMADD231PS Z16, Z17, Z5
	VFMADD231PS Z16, Z17, Z6
	VFMADD231PS Z16, Z17, Z7
	VFMADD231PS Z16, Z17, Z8
	VFMADD231PS Z16, Z17, Z9
	VFMADD231PS Z16, Z17, Z10
	VFMADD231PS Z16, Z17, Z11
	VFMADD231PS Z16, Z17, Z12
	VFMADD231PS Z16, Z17, Z13
	VFMADD231PS Z16, Z17, Z14
	VFMADD231PS Z16, Z17, Z15
	DECQ        CX
	JNZ         fl512
	VZEROUPPER
	RET

// func fmaLoop256(n int)
//
// fmaLoop512 on YMM registers (256 flops a turn).
TEXT ·fmaLoop256(SB), NOSPLIT, $0-8
	MOVQ   n+0(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

fl256:
	VFMADD231PS Y14, Y15, Y0
	VFMADD231PS Y14, Y15, Y1
	VFMADD231PS Y14, Y15, Y2
	VFMADD231PS Y14, Y15, Y3
	VFMADD231PS Y14, Y15, Y4
	VFMADD231PS Y14, Y15, Y5
	VFMADD231PS Y14, Y15, Y6
	VFMADD231PS Y14, Y15, Y7
	VFMADD231PS Y14, Y15, Y8
	VFMADD231PS Y14, Y15, Y9
	VFMADD231PS Y14, Y15, Y10
	VFMADD231PS Y14, Y15, Y11
	VFMADD231PS Y14, Y15, Y12
	VFMADD231PS Y14, Y15, Y13
	VFMADD231PS Y14, Y15, Y0
	VFMADD231PS Y14, Y15, Y1
	DECQ        CX
	JNZ         fl256
	VZEROUPPER
	RET

// TANH512 is TANH on Z0, 16 lanes, with the same operations in the same
// order (so the same bits per lane); the constants are in Z16–Z28 (see
// TANHCONSTS) and it clobbers Z1–Z3.
#define TANH512 \
	VMINPS      Z0, Z16, Z0 ; \
	VMAXPS      Z0, Z17, Z0 ; \
	VMULPS      Z0, Z0, Z1 ; \
	VMOVAPS     Z18, Z2 ; \
	VFMADD213PS Z19, Z1, Z2 ; \
	VFMADD213PS Z20, Z1, Z2 ; \
	VFMADD213PS Z21, Z1, Z2 ; \
	VFMADD213PS Z22, Z1, Z2 ; \
	VFMADD213PS Z23, Z1, Z2 ; \
	VFMADD213PS Z24, Z1, Z2 ; \
	VMULPS      Z0, Z2, Z2 ; \
	VMOVAPS     Z25, Z3 ; \
	VFMADD213PS Z26, Z1, Z3 ; \
	VFMADD213PS Z27, Z1, Z3 ; \
	VFMADD213PS Z28, Z1, Z3 ; \
	VDIVPS      Z3, Z2, Z0

#define TANHCONSTS \
	VBROADCASTSS tanhc<>+0(SB), Z16 ; \
	VBROADCASTSS tanhc<>+32(SB), Z17 ; \
	VBROADCASTSS tanhc<>+64(SB), Z18 ; \
	VBROADCASTSS tanhc<>+96(SB), Z19 ; \
	VBROADCASTSS tanhc<>+128(SB), Z20 ; \
	VBROADCASTSS tanhc<>+160(SB), Z21 ; \
	VBROADCASTSS tanhc<>+192(SB), Z22 ; \
	VBROADCASTSS tanhc<>+224(SB), Z23 ; \
	VBROADCASTSS tanhc<>+256(SB), Z24 ; \
	VBROADCASTSS tanhc<>+288(SB), Z25 ; \
	VBROADCASTSS tanhc<>+320(SB), Z26 ; \
	VBROADCASTSS tanhc<>+352(SB), Z27 ; \
	VBROADCASTSS tanhc<>+384(SB), Z28

// SUMSTEP16(DST) is one 16-value step of tanhBiasSum512 and its row and
// error variants: DST[0:16] = tanh(DST + (SI)[0:16]), added to (R8)[0:16].
#define SUMSTEP16(DST) \
	VMOVUPS (DST), Z0 ; \
	VADDPS  (SI), Z0, Z0 ; \
	TANH512 ; \
	VMOVUPS Z0, (DST) ; \
	VADDPS  (R8), Z0, Z6 ; \
	VMOVUPS Z6, (R8)

// ERRSTEP16(DST, REF) is SUMSTEP16 and the squared errors against
// REF[0:16] into the 8-lane sum Y8, low half then high half.
#define ERRSTEP16(DST, REF) \
	SUMSTEP16(DST) ; \
	VMOVUPS       (REF), Z7 ; \
	VSUBPS        Z0, Z7, Z7 ; \
	VEXTRACTF64X4 $1, Z7, Y9 ; \
	VFMADD231PS   Y7, Y7, Y8 ; \
	VFMADD231PS   Y9, Y9, Y8

// ERRSTEP8(DST, REF) is ERRSTEP16 on 8 values, through the low half of Z0.
#define ERRSTEP8(DST, REF) \
	VMOVUPS     (DST), Y0 ; \
	VADDPS      (SI), Y0, Y0 ; \
	TANH512 ; \
	VMOVUPS     Y0, (DST) ; \
	VADDPS      (R8), Y0, Y6 ; \
	VMOVUPS     Y6, (R8) ; \
	VMOVUPS     (REF), Y7 ; \
	VSUBPS      Y0, Y7, Y7 ; \
	VFMADD231PS Y7, Y7, Y8

// HSUM8 leaves the sum of Y8's eight lanes in X8's lowest, added in
// tanhBiasSumErr8's order.
#define HSUM8 \
	VEXTRACTF128 $1, Y8, X9 ; \
	VADDPS       X9, X8, X8 ; \
	VHADDPS      X8, X8, X8 ; \
	VHADDPS      X8, X8, X8

// func tanhBias512(x, b *float32, n int)
TEXT ·tanhBias512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	JEQ  t5done
	TANHCONSTS

t5loop:
	VMOVUPS (DI), Z0
	VADDPS  (SI), Z0, Z0
	TANH512
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	DECQ    CX
	JNZ     t5loop

t5done:
	VZEROUPPER
	RET

// func tanhBiasSum512(x, b, sum *float32, n int)
TEXT ·tanhBiasSum512(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ sum+16(FP), R8
	MOVQ n+24(FP), CX
	SHRQ $4, CX
	JEQ  s5done
	TANHCONSTS

s5loop:
	SUMSTEP16(DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $64, R8
	DECQ    CX
	JNZ     s5loop

s5done:
	VZEROUPPER
	RET

// func tanhBiasSumErr512(x, b, sum, ref *float32, n int) float32
//
// tanhBiasSumErr8 with the tanh on 16 lanes, n a multiple of 8: the
// squared errors of each 16 values go into the same 8-lane sum, low half
// then high half, and a last 8 values through the low half of Z0, so the
// sum takes the same fused multiply-adds in the same order: the same bits.
TEXT ·tanhBiasSumErr512(SB), NOSPLIT, $0-44
	MOVQ   x+0(FP), DI
	MOVQ   b+8(FP), SI
	MOVQ   sum+16(FP), R8
	MOVQ   ref+24(FP), R9
	MOVQ   n+32(FP), CX
	VXORPS Y8, Y8, Y8
	MOVQ   CX, DX
	ANDQ   $8, DX
	SHRQ   $4, CX
	TANHCONSTS
	TESTQ  CX, CX
	JEQ    e5tail

e5loop:
	ERRSTEP16(DI, R9)
	ADDQ          $64, DI
	ADDQ          $64, SI
	ADDQ          $64, R8
	ADDQ          $64, R9
	DECQ          CX
	JNZ           e5loop

e5tail:
	TESTQ       DX, DX
	JEQ         e5done
	ERRSTEP8(DI, R9)

e5done:
	HSUM8
	MOVSS        X8, ret+40(FP)
	VZEROUPPER
	RET

// STEP4x32 adds A(·, l)·B(l)[0:32] for 4 rows to Z0–Z7 (row r in Z(2r),
// Z(2r+1)) and moves to l+1 (rows 0–2 from SI, 3 from R9).
#define STEP4x32 \
	VMOVUPS      (BX), Z16 ; \
	VMOVUPS      64(BX), Z17 ; \
	VBROADCASTSS (SI), Z18 ; \
	VBROADCASTSS (SI)(R8*1), Z19 ; \
	VFMADD231PS  Z16, Z18, Z0 ; \
	VFMADD231PS  Z17, Z18, Z1 ; \
	VBROADCASTSS (SI)(R8*2), Z20 ; \
	VFMADD231PS  Z16, Z19, Z2 ; \
	VFMADD231PS  Z17, Z19, Z3 ; \
	VBROADCASTSS (R9), Z21 ; \
	VFMADD231PS  Z16, Z20, Z4 ; \
	VFMADD231PS  Z17, Z20, Z5 ; \
	VFMADD231PS  Z16, Z21, Z6 ; \
	VFMADD231PS  Z17, Z21, Z7 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R11, BX

// func kern4x32(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern4x32(SB), NOSPLIT, $0-69
	MOVQ   k+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   ars+16(FP), R8
	SHLQ   $2, R8
	MOVQ   aks+24(FP), R10
	SHLQ   $2, R10
	MOVQ   b+32(FP), BX
	MOVQ   bks+40(FP), R11
	SHLQ   $2, R11
	LEAQ   (SI)(R8*2), R9
	ADDQ   R8, R9
	ZERO8
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k432tail

k432loop:
	STEP4x32
	STEP4x32
	DECQ DX
	JNZ  k432loop

k432tail:
	TESTQ $1, CX
	JEQ   k432store
	STEP4x32

k432store:
	CARGS
	STORE2(Z0, Z1)
	STORE2(Z2, Z3)
	STORE2(Z4, Z5)
	STORE2(Z6, Z7)
	VZEROUPPER
	RET

// DATA for MaxShift: −∞ in every lane.
DATA ninf<>+0(SB)/4, $0xff800000
GLOBL ninf<>(SB), RODATA|NOPTR, $4

// func tanhBiasSumRows512(x *float32, ldx int, b, sum *float32, n, rows int)
//
// tanhBiasSum512 on each of rows rows of x (stride ldx elements), in row
// order, with the tanh constants loaded once: the same bits as a call per
// row.
TEXT ·tanhBiasSumRows512(SB), NOSPLIT, $0-48
	MOVQ  x+0(FP), DI
	MOVQ  ldx+8(FP), R10
	SHLQ  $2, R10
	MOVQ  n+32(FP), CX
	SHRQ  $4, CX
	MOVQ  rows+40(FP), DX
	TESTQ CX, CX
	JEQ   sr5done
	TESTQ DX, DX
	JEQ   sr5done
	TANHCONSTS

sr5row:
	MOVQ DI, R12
	MOVQ b+16(FP), SI
	MOVQ sum+24(FP), R8
	MOVQ CX, BX

sr5loop:
	SUMSTEP16(R12)
	ADDQ    $64, R12
	ADDQ    $64, SI
	ADDQ    $64, R8
	DECQ    BX
	JNZ     sr5loop
	ADDQ    R10, DI
	DECQ    DX
	JNZ     sr5row

sr5done:
	VZEROUPPER
	RET

// func tanhBiasSumErrRows512(x *float32, ldx int, b, sum, ref *float32, ldr, n, rows int, errs *float32)
//
// tanhBiasSumErr512 on each of rows rows of x (stride ldx) against the
// rows of ref (stride ldr), in row order, row r's squared error going to
// errs[r]; the same bits as a call per row.
TEXT ·tanhBiasSumErrRows512(SB), NOSPLIT, $0-72
	MOVQ  x+0(FP), DI
	MOVQ  ldx+8(FP), R10
	SHLQ  $2, R10
	MOVQ  ref+32(FP), R9
	MOVQ  ldr+40(FP), R11
	SHLQ  $2, R11
	MOVQ  rows+56(FP), DX
	MOVQ  errs+64(FP), AX
	TESTQ DX, DX
	JEQ   er5done
	TANHCONSTS

er5row:
	MOVQ   DI, R12
	MOVQ   R9, R13
	MOVQ   b+16(FP), SI
	MOVQ   sum+24(FP), R8
	MOVQ   n+48(FP), CX
	MOVQ   CX, BX
	ANDQ   $8, BX
	SHRQ   $4, CX
	VXORPS Y8, Y8, Y8
	TESTQ  CX, CX
	JEQ    er5tail

er5loop:
	ERRSTEP16(R12, R13)
	ADDQ          $64, R12
	ADDQ          $64, SI
	ADDQ          $64, R8
	ADDQ          $64, R13
	DECQ          CX
	JNZ           er5loop

er5tail:
	TESTQ       BX, BX
	JEQ         er5sum
	ERRSTEP8(R12, R13)

er5sum:
	HSUM8
	MOVSS        X8, (AX)
	ADDQ         $4, AX
	ADDQ         R10, DI
	ADDQ         R11, R9
	DECQ         DX
	JNZ          er5row

er5done:
	VZEROUPPER
	RET

// SIGNSCONSTS loads Signs' constants into the low 256 bits (AVX2) or the
// whole (AVX-512) of Y8–Y12 / Z8–Z12: 1.0, 2^23, 0xbf800000 and the sign
// bit in every 32-bit lane, and 0x00ffffff00000000 in every 64-bit lane.
#define SIGNSCONSTS(R8, R9, R10, R11, R12) \
	MOVL         $0x3f800000, AX         \
	VMOVD        AX, X8                  \
	VPBROADCASTD X8, R8                  \
	MOVL         $0x4b000000, AX         \
	VMOVD        AX, X9                  \
	VPBROADCASTD X9, R9                  \
	MOVQ         $0x00ffffff00000000, AX \
	VMOVQ        AX, X10                 \
	VPBROADCASTQ X10, R10                \
	MOVL         $0xbf800000, AX         \
	VMOVD        AX, X11                 \
	VPBROADCASTD X11, R11                \
	MOVL         $0x80000000, AX         \
	VMOVD        AX, X12                 \
	VPBROADCASTD X12, R12

// SIGNSTEP is one step of signs8 (Y registers, VEX names) or signs512
// (Z registers, EVEX names) on the draws at SI and the means at DI, with
// SIGNSCONSTS' constants in c1, c23, cmask, cminus, csign.
#define SIGNSTEP(mov, and, or, xor, d, u, v, t, c1, c23, cmask, cminus, csign) \
	mov        (SI), d     \
	VPSRLQ     $40, d, u   \
	VPSLLQ     $16, d, v   \
	and        cmask, v, v \
	or         v, u, u     \
	VADDPS     (DI), c1, t \
	VMULPS     c23, t, t   \
	VCVTTPS2DQ t, t        \
	VPSUBD     t, u, u     \
	and        csign, u, u \
	xor        cminus, u, u \
	mov        u, (DI)

// func signs8(x *float32, r *uint64, n int)
//
// Per 8 values (4 draws): u = r >> 40 in the low and bits 16–39 of r in
// the high 32 bits of each 64-bit lane; t = int32((x + 1)·2^23) (one
// rounded addition, an exact scaling, truncation: Sign24's steps); the
// sign bit of u − t picks +1 (0x3f800000) or −1 (0xbf800000).
TEXT ·signs8(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ r+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JEQ  g8done
	SIGNSCONSTS(Y8, Y9, Y10, Y11, Y12)

g8loop:
	SIGNSTEP(VMOVDQU, VPAND, VPOR, VPXOR, Y0, Y1, Y2, Y3, Y8, Y9, Y10, Y11, Y12)
	ADDQ $32, DI
	ADDQ $32, SI
	DECQ CX
	JNZ  g8loop

g8done:
	VZEROUPPER
	RET

// func signs512(x *float32, r *uint64, n int)
//
// signs8 on 16 lanes (8 draws a step).
TEXT ·signs512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ r+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	JEQ  g5done
	SIGNSCONSTS(Z8, Z9, Z10, Z11, Z12)

g5loop:
	SIGNSTEP(VMOVDQU64, VPANDQ, VPORQ, VPXORQ, Z0, Z1, Z2, Z3, Z8, Z9, Z10, Z11, Z12)
	ADDQ $64, DI
	ADDQ $64, SI
	DECQ CX
	JNZ  g5loop

g5done:
	VZEROUPPER
	RET

// STEP12 adds A(·, l)·B(l)[0:32] to Z0–Z23 (row r in Z(2r), Z(2r+1)) for
// 12 rows and moves to l+1. Rows 0–2 from SI, 3–5 from R9, 6–8 from R13,
// 9–11 from DI.
#define STEP12 \
	VMOVUPS      (BX), Z24 ; \
	VMOVUPS      64(BX), Z25 ; \
	VBROADCASTSS (SI), Z26 ; \
	VBROADCASTSS (SI)(R8*1), Z27 ; \
	VBROADCASTSS (SI)(R8*2), Z28 ; \
	VBROADCASTSS (R9), Z29 ; \
	VFMADD231PS  Z24, Z26, Z0 ; \
	VFMADD231PS  Z25, Z26, Z1 ; \
	VBROADCASTSS (R9)(R8*1), Z30 ; \
	VFMADD231PS  Z24, Z27, Z2 ; \
	VFMADD231PS  Z25, Z27, Z3 ; \
	VBROADCASTSS (R9)(R8*2), Z31 ; \
	VFMADD231PS  Z24, Z28, Z4 ; \
	VFMADD231PS  Z25, Z28, Z5 ; \
	VBROADCASTSS (R13), Z26 ; \
	VFMADD231PS  Z24, Z29, Z6 ; \
	VFMADD231PS  Z25, Z29, Z7 ; \
	VBROADCASTSS (R13)(R8*1), Z27 ; \
	VFMADD231PS  Z24, Z30, Z8 ; \
	VFMADD231PS  Z25, Z30, Z9 ; \
	VBROADCASTSS (R13)(R8*2), Z28 ; \
	VFMADD231PS  Z24, Z31, Z10 ; \
	VFMADD231PS  Z25, Z31, Z11 ; \
	VBROADCASTSS (DI), Z29 ; \
	VFMADD231PS  Z24, Z26, Z12 ; \
	VFMADD231PS  Z25, Z26, Z13 ; \
	VBROADCASTSS (DI)(R8*1), Z30 ; \
	VFMADD231PS  Z24, Z27, Z14 ; \
	VFMADD231PS  Z25, Z27, Z15 ; \
	VBROADCASTSS (DI)(R8*2), Z31 ; \
	VFMADD231PS  Z24, Z28, Z16 ; \
	VFMADD231PS  Z25, Z28, Z17 ; \
	VFMADD231PS  Z24, Z29, Z18 ; \
	VFMADD231PS  Z25, Z29, Z19 ; \
	VFMADD231PS  Z24, Z30, Z20 ; \
	VFMADD231PS  Z25, Z30, Z21 ; \
	VFMADD231PS  Z24, Z31, Z22 ; \
	VFMADD231PS  Z25, Z31, Z23 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R10, R13 ; \
	ADDQ         R10, DI ; \
	ADDQ         R11, BX

// func kern12x32(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern12x32(SB), NOSPLIT, $0-69
	AROWS
	LEAQ (R13)(R8*2), DI
	ADDQ R8, DI
	ZERO24
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k12tail

k12loop:
	STEP12
	STEP12
	DECQ DX
	JNZ  k12loop

k12tail:
	TESTQ $1, CX
	JEQ   k12store
	STEP12

k12store:
	CARGS
	STORE2(Z0, Z1)
	STORE2(Z2, Z3)
	STORE2(Z4, Z5)
	STORE2(Z6, Z7)
	STORE2(Z8, Z9)
	STORE2(Z10, Z11)
	STORE2(Z12, Z13)
	STORE2(Z14, Z15)
	STORE2(Z16, Z17)
	STORE2(Z18, Z19)
	STORE2(Z20, Z21)
	STORE2(Z22, Z23)
	VZEROUPPER
	RET

// STEP48 adds A(·, l)·B(l)[0:48] to Z0–Z23 (row r in Z(3r)–Z(3r+2))
// and moves to l+1.
#define STEP48 \
	VMOVUPS      (BX), Z24 ; \
	VMOVUPS      64(BX), Z25 ; \
	VMOVUPS      128(BX), Z26 ; \
	VBROADCASTSS (SI), Z27 ; \
	VBROADCASTSS (SI)(R8*1), Z28 ; \
	VBROADCASTSS (SI)(R8*2), Z29 ; \
	VBROADCASTSS (R9), Z30 ; \
	VFMADD231PS  Z24, Z27, Z0 ; \
	VFMADD231PS  Z25, Z27, Z1 ; \
	VFMADD231PS  Z26, Z27, Z2 ; \
	VBROADCASTSS (SI)(R8*4), Z31 ; \
	VBROADCASTSS (R9)(R8*2), Z27 ; \
	VFMADD231PS  Z24, Z28, Z3 ; \
	VFMADD231PS  Z25, Z28, Z4 ; \
	VFMADD231PS  Z26, Z28, Z5 ; \
	VBROADCASTSS (R13), Z28 ; \
	VFMADD231PS  Z24, Z29, Z6 ; \
	VFMADD231PS  Z25, Z29, Z7 ; \
	VFMADD231PS  Z26, Z29, Z8 ; \
	VBROADCASTSS (R13)(R8*1), Z29 ; \
	VFMADD231PS  Z24, Z30, Z9 ; \
	VFMADD231PS  Z25, Z30, Z10 ; \
	VFMADD231PS  Z26, Z30, Z11 ; \
	VFMADD231PS  Z24, Z31, Z12 ; \
	VFMADD231PS  Z25, Z31, Z13 ; \
	VFMADD231PS  Z26, Z31, Z14 ; \
	VFMADD231PS  Z24, Z27, Z15 ; \
	VFMADD231PS  Z25, Z27, Z16 ; \
	VFMADD231PS  Z26, Z27, Z17 ; \
	VFMADD231PS  Z24, Z28, Z18 ; \
	VFMADD231PS  Z25, Z28, Z19 ; \
	VFMADD231PS  Z26, Z28, Z20 ; \
	VFMADD231PS  Z24, Z29, Z21 ; \
	VFMADD231PS  Z25, Z29, Z22 ; \
	VFMADD231PS  Z26, Z29, Z23 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R10, R13 ; \
	ADDQ         R11, BX

// STORE3 writes row accumulators Za, Zb, Zc like STORE2.
#define STORE3(za, zb, zc) \
	VMULPS  Z30, za, za ; \
	VMULPS  Z30, zb, zb ; \
	VMULPS  Z30, zc, zc ; \
	TESTQ   AX, AX ; \
	JEQ     4(PC) ; \
	VADDPS  (DI), za, za ; \
	VADDPS  64(DI), zb, zb ; \
	VADDPS  128(DI), zc, zc ; \
	VMOVUPS za, (DI) ; \
	VMOVUPS zb, 64(DI) ; \
	VMOVUPS zc, 128(DI) ; \
	ADDQ    R12, DI

// func kern8x48(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern8x48(SB), NOSPLIT, $0-69
	AROWS
	ZERO24
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k48tail

k48loop:
	STEP48
	STEP48
	DECQ DX
	JNZ  k48loop

k48tail:
	TESTQ $1, CX
	JEQ   k48store
	STEP48

k48store:
	CARGS
	STORE3(Z0, Z1, Z2)
	STORE3(Z3, Z4, Z5)
	STORE3(Z6, Z7, Z8)
	STORE3(Z9, Z10, Z11)
	STORE3(Z12, Z13, Z14)
	STORE3(Z15, Z16, Z17)
	STORE3(Z18, Z19, Z20)
	STORE3(Z21, Z22, Z23)
	VZEROUPPER
	RET

// STEP16X16 adds A(·, l)·B(l)[0:16] to Z0–Z15 (row r in Zr) for 16
// rows, each element of A broadcast by its multiply-add, and moves to
// l+1. Rows are at SI, R9, R13, DI and R12 (rows 0, 3, 5, 7, 10) plus 0,
// 1, 2, 4 or 8 rows.
#define STEP16X16 \
	VMOVUPS      (BX), Z16 ; \
	VFMADD231PS.BCST (SI), Z16, Z0 ; \
	VFMADD231PS.BCST (SI)(R8*1), Z16, Z1 ; \
	VFMADD231PS.BCST (SI)(R8*2), Z16, Z2 ; \
	VFMADD231PS.BCST (R9), Z16, Z3 ; \
	VFMADD231PS.BCST (SI)(R8*4), Z16, Z4 ; \
	VFMADD231PS.BCST (R9)(R8*2), Z16, Z5 ; \
	VFMADD231PS.BCST (R13)(R8*1), Z16, Z6 ; \
	VFMADD231PS.BCST (R9)(R8*4), Z16, Z7 ; \
	VFMADD231PS.BCST (SI)(R8*8), Z16, Z8 ; \
	VFMADD231PS.BCST (R13)(R8*4), Z16, Z9 ; \
	VFMADD231PS.BCST (R12), Z16, Z10 ; \
	VFMADD231PS.BCST (R9)(R8*8), Z16, Z11 ; \
	VFMADD231PS.BCST (R12)(R8*2), Z16, Z12 ; \
	VFMADD231PS.BCST (R13)(R8*8), Z16, Z13 ; \
	VFMADD231PS.BCST (R12)(R8*4), Z16, Z14 ; \
	VFMADD231PS.BCST (DI)(R8*8), Z16, Z15 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R10, R13 ; \
	ADDQ         R10, DI ; \
	ADDQ         R10, R12 ; \
	ADDQ         R11, BX

// func kern16x16(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern16x16(SB), NOSPLIT, $0-69
	AROWS
	LEAQ (SI)(R8*4), R13
	ADDQ R8, R13
	LEAQ (R13)(R8*2), DI
	LEAQ (DI)(R8*2), R12
	ADDQ R8, R12
	ZERO16
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k1616tail

k1616loop:
	STEP16X16
	STEP16X16
	DECQ DX
	JNZ  k1616loop

k1616tail:
	TESTQ $1, CX
	JEQ   k1616store
	STEP16X16

k1616store:
	CARGS
	STORE1(Z0)
	STORE1(Z1)
	STORE1(Z2)
	STORE1(Z3)
	STORE1(Z4)
	STORE1(Z5)
	STORE1(Z6)
	STORE1(Z7)
	STORE1(Z8)
	STORE1(Z9)
	STORE1(Z10)
	STORE1(Z11)
	STORE1(Z12)
	STORE1(Z13)
	STORE1(Z14)
	STORE1(Z15)
	VZEROUPPER
	RET

// STEP4X48 is STEP48 for 4 rows (Z0–Z11).
#define STEP4X48 \
	VMOVUPS      (BX), Z24 ; \
	VMOVUPS      64(BX), Z25 ; \
	VMOVUPS      128(BX), Z26 ; \
	VBROADCASTSS (SI), Z27 ; \
	VBROADCASTSS (SI)(R8*1), Z28 ; \
	VBROADCASTSS (SI)(R8*2), Z29 ; \
	VBROADCASTSS (R9), Z30 ; \
	VFMADD231PS  Z24, Z27, Z0 ; \
	VFMADD231PS  Z25, Z27, Z1 ; \
	VFMADD231PS  Z26, Z27, Z2 ; \
	VFMADD231PS  Z24, Z28, Z3 ; \
	VFMADD231PS  Z25, Z28, Z4 ; \
	VFMADD231PS  Z26, Z28, Z5 ; \
	VFMADD231PS  Z24, Z29, Z6 ; \
	VFMADD231PS  Z25, Z29, Z7 ; \
	VFMADD231PS  Z26, Z29, Z8 ; \
	VFMADD231PS  Z24, Z30, Z9 ; \
	VFMADD231PS  Z25, Z30, Z10 ; \
	VFMADD231PS  Z26, Z30, Z11 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R11, BX

// func kern4x48(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern4x48(SB), NOSPLIT, $0-69
	AROWS
	ZERO12
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k448tail

k448loop:
	STEP4X48
	STEP4X48
	DECQ DX
	JNZ  k448loop

k448tail:
	TESTQ $1, CX
	JEQ   k448store
	STEP4X48

k448store:
	CARGS
	STORE3(Z0, Z1, Z2)
	STORE3(Z3, Z4, Z5)
	STORE3(Z6, Z7, Z8)
	STORE3(Z9, Z10, Z11)
	VZEROUPPER
	RET

// STEP6X64 adds A(·, l)·B(l)[0:64] to Z0–Z23 (row r in Z(4r)–Z(4r+3))
// for 6 rows and moves to l+1.
#define STEP6X64 \
	VMOVUPS      (BX), Z24 ; \
	VMOVUPS      64(BX), Z25 ; \
	VMOVUPS      128(BX), Z26 ; \
	VMOVUPS      192(BX), Z27 ; \
	VBROADCASTSS (SI), Z28 ; \
	VBROADCASTSS (SI)(R8*1), Z29 ; \
	VBROADCASTSS (SI)(R8*2), Z30 ; \
	VBROADCASTSS (R9), Z31 ; \
	VFMADD231PS  Z24, Z28, Z0 ; \
	VFMADD231PS  Z25, Z28, Z1 ; \
	VFMADD231PS  Z26, Z28, Z2 ; \
	VFMADD231PS  Z27, Z28, Z3 ; \
	VBROADCASTSS (SI)(R8*4), Z28 ; \
	VFMADD231PS  Z24, Z29, Z4 ; \
	VFMADD231PS  Z25, Z29, Z5 ; \
	VFMADD231PS  Z26, Z29, Z6 ; \
	VFMADD231PS  Z27, Z29, Z7 ; \
	VBROADCASTSS (R9)(R8*2), Z29 ; \
	VFMADD231PS  Z24, Z30, Z8 ; \
	VFMADD231PS  Z25, Z30, Z9 ; \
	VFMADD231PS  Z26, Z30, Z10 ; \
	VFMADD231PS  Z27, Z30, Z11 ; \
	VFMADD231PS  Z24, Z31, Z12 ; \
	VFMADD231PS  Z25, Z31, Z13 ; \
	VFMADD231PS  Z26, Z31, Z14 ; \
	VFMADD231PS  Z27, Z31, Z15 ; \
	VFMADD231PS  Z24, Z28, Z16 ; \
	VFMADD231PS  Z25, Z28, Z17 ; \
	VFMADD231PS  Z26, Z28, Z18 ; \
	VFMADD231PS  Z27, Z28, Z19 ; \
	VFMADD231PS  Z24, Z29, Z20 ; \
	VFMADD231PS  Z25, Z29, Z21 ; \
	VFMADD231PS  Z26, Z29, Z22 ; \
	VFMADD231PS  Z27, Z29, Z23 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R11, BX

// STORE4 writes row accumulators Za–Zd like STORE2.
#define STORE4(za, zb, zc, zd) \
	VMULPS  Z30, za, za ; \
	VMULPS  Z30, zb, zb ; \
	VMULPS  Z30, zc, zc ; \
	VMULPS  Z30, zd, zd ; \
	TESTQ   AX, AX ; \
	JEQ     5(PC) ; \
	VADDPS  (DI), za, za ; \
	VADDPS  64(DI), zb, zb ; \
	VADDPS  128(DI), zc, zc ; \
	VADDPS  192(DI), zd, zd ; \
	VMOVUPS za, (DI) ; \
	VMOVUPS zb, 64(DI) ; \
	VMOVUPS zc, 128(DI) ; \
	VMOVUPS zd, 192(DI) ; \
	ADDQ    R12, DI

// func kern6x64(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern6x64(SB), NOSPLIT, $0-69
	AROWS
	ZERO24
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k664tail

k664loop:
	STEP6X64
	STEP6X64
	DECQ DX
	JNZ  k664loop

k664tail:
	TESTQ $1, CX
	JEQ   k664store
	STEP6X64

k664store:
	CARGS
	STORE4(Z0, Z1, Z2, Z3)
	STORE4(Z4, Z5, Z6, Z7)
	STORE4(Z8, Z9, Z10, Z11)
	STORE4(Z12, Z13, Z14, Z15)
	STORE4(Z16, Z17, Z18, Z19)
	STORE4(Z20, Z21, Z22, Z23)
	VZEROUPPER
	RET

// STEP4X64 is STEP6X64 for 4 rows (Z0–Z15).
#define STEP4X64 \
	VMOVUPS      (BX), Z24 ; \
	VMOVUPS      64(BX), Z25 ; \
	VMOVUPS      128(BX), Z26 ; \
	VMOVUPS      192(BX), Z27 ; \
	VBROADCASTSS (SI), Z28 ; \
	VBROADCASTSS (SI)(R8*1), Z29 ; \
	VBROADCASTSS (SI)(R8*2), Z30 ; \
	VBROADCASTSS (R9), Z31 ; \
	VFMADD231PS  Z24, Z28, Z0 ; \
	VFMADD231PS  Z25, Z28, Z1 ; \
	VFMADD231PS  Z26, Z28, Z2 ; \
	VFMADD231PS  Z27, Z28, Z3 ; \
	VFMADD231PS  Z24, Z29, Z4 ; \
	VFMADD231PS  Z25, Z29, Z5 ; \
	VFMADD231PS  Z26, Z29, Z6 ; \
	VFMADD231PS  Z27, Z29, Z7 ; \
	VFMADD231PS  Z24, Z30, Z8 ; \
	VFMADD231PS  Z25, Z30, Z9 ; \
	VFMADD231PS  Z26, Z30, Z10 ; \
	VFMADD231PS  Z27, Z30, Z11 ; \
	VFMADD231PS  Z24, Z31, Z12 ; \
	VFMADD231PS  Z25, Z31, Z13 ; \
	VFMADD231PS  Z26, Z31, Z14 ; \
	VFMADD231PS  Z27, Z31, Z15 ; \
	ADDQ         R10, SI ; \
	ADDQ         R10, R9 ; \
	ADDQ         R11, BX

// func kern4x64(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
TEXT ·kern4x64(SB), NOSPLIT, $0-69
	AROWS
	ZERO16
	MOVQ   CX, DX
	SHRQ   $1, DX
	JEQ    k464tail

k464loop:
	STEP4X64
	STEP4X64
	DECQ DX
	JNZ  k464loop

k464tail:
	TESTQ $1, CX
	JEQ   k464store
	STEP4X64

k464store:
	CARGS
	STORE4(Z0, Z1, Z2, Z3)
	STORE4(Z4, Z5, Z6, Z7)
	STORE4(Z8, Z9, Z10, Z11)
	STORE4(Z12, Z13, Z14, Z15)
	VZEROUPPER
	RET

// func exp512(x *float32, n int)
//
// exp8 on 16 lanes, n a multiple of 16: the same operations in the same
// order (so the same bits per lane), its constants broadcast from exp8's
// and the underflow lanes cleared through a mask.
TEXT ·exp512(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	SHRQ $4, CX
	JEQ  ex5done
	VBROADCASTSS expc<>+0(SB), Z16
	VBROADCASTSS expc<>+32(SB), Z17
	VBROADCASTSS expc<>+64(SB), Z18
	VBROADCASTSS expc<>+96(SB), Z19
	VBROADCASTSS expc<>+128(SB), Z20
	VBROADCASTSS expc<>+160(SB), Z21
	VBROADCASTSS expc<>+192(SB), Z22
	VBROADCASTSS expc<>+224(SB), Z23
	VBROADCASTSS expc<>+256(SB), Z24
	VBROADCASTSS expc<>+288(SB), Z25
	VBROADCASTSS expc<>+320(SB), Z26
	VPBROADCASTD expc<>+352(SB), Z27

ex5loop:
	VMOVUPS (DI), Z0
	// n = round(x·log₂e), r = x − n·ln2 (Cody–Waite, two parts).
	VMULPS       Z16, Z0, Z1
	VRNDSCALEPS  $0, Z1, Z1
	VMOVAPS      Z0, Z2
	VFNMADD231PS Z17, Z1, Z2
	VFNMADD231PS Z18, Z1, Z2
	// e^r = 1 + r + r²·P(r)
	VMOVAPS     Z20, Z3
	VFMADD213PS Z21, Z2, Z3
	VFMADD213PS Z22, Z2, Z3
	VFMADD213PS Z23, Z2, Z3
	VFMADD213PS Z24, Z2, Z3
	VFMADD213PS Z25, Z2, Z3
	VMULPS      Z2, Z2, Z4
	VFMADD213PS Z2, Z4, Z3
	VADDPS      Z26, Z3, Z3
	// ·2ⁿ, built from the exponent bits.
	VCVTPS2DQ Z1, Z5
	VPADDD    Z27, Z5, Z5
	VPSLLD    $23, Z5, Z5
	VMULPS    Z5, Z3, Z3
	// 0 where x < the underflow bound (kept where x is not: NaN stays).
	VCMPPS    $1, Z19, Z0, K1
	KNOTW     K1, K2
	VMOVAPS.Z Z3, K2, Z3
	VMOVUPS   Z3, (DI)
	ADDQ      $64, DI
	DECQ      CX
	JNZ       ex5loop

ex5done:
	VZEROUPPER
	RET

// func tanhBackward512(d, z, gb *float32, n int)
//
// tanhBackward8 on 16 lanes, n a multiple of 16: the same operations.
TEXT ·tanhBackward512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ z+8(FP), SI
	MOVQ gb+16(FP), BX
	MOVQ n+24(FP), CX
	SHRQ $4, CX
	JEQ  bk5done

bk5loop:
	VMOVUPS      (DI), Z0
	VMOVUPS      (SI), Z1
	VMULPS       Z1, Z0, Z2 // d·z
	VFNMADD231PS Z1, Z2, Z0 // d − d·z·z
	VMOVUPS      Z0, (DI)
	VADDPS       (BX), Z0, Z3
	VMOVUPS      Z3, (BX)
	ADDQ         $64, DI
	ADDQ         $64, SI
	ADDQ         $64, BX
	DECQ         CX
	JNZ          bk5loop

bk5done:
	VZEROUPPER
	RET

// func add8(c, x *float32, n int)
//
// c[j] += x[j] for j < n, a multiple of 8, in AVX2.
TEXT ·add8(SB), NOSPLIT, $0-24
	MOVQ c+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JEQ  ad8done

ad8loop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     ad8loop

ad8done:
	VZEROUPPER
	RET

// func add512(c, x *float32, n int)
//
// add8 on 16 lanes, n a multiple of 16, in AVX-512.
TEXT ·add512(SB), NOSPLIT, $0-24
	MOVQ c+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	JEQ  ad5done

ad5loop:
	VMOVUPS (DI), Z0
	VADDPS  (SI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	DECQ    CX
	JNZ     ad5loop

ad5done:
	VZEROUPPER
	RET

// func maxShiftRows512(x *float32, ldx int, b *float32, n int, arg *int32, rows int)
//
// MaxShift on each of rows rows of x (stride ldx elements, n values each,
// n a multiple of 16), in row order, the index in arg[r]: x += b, the
// largest lane in every lane of Z1 (a max tree), the first index equal to
// it, then x −= the largest. MaxShift calls it with one row.
TEXT ·maxShiftRows512(SB), NOSPLIT, $0-48
	MOVQ         x+0(FP), DI
	MOVQ         ldx+8(FP), R9
	SHLQ         $2, R9
	MOVQ         b+16(FP), SI
	MOVQ         n+24(FP), CX
	MOVQ         arg+32(FP), R10
	MOVQ         rows+40(FP), R11
	TESTQ        R11, R11
	JEQ          mrdone
	VBROADCASTSS ninf<>(SB), Z30

mrrow:
	VMOVAPS Z30, Z0
	XORQ    AX, AX

mradd:
	VMOVUPS (DI)(AX*4), Z2
	VADDPS  (SI)(AX*4), Z2, Z2
	VMOVUPS Z2, (DI)(AX*4)
	VMAXPS  Z2, Z0, Z0
	ADDQ    $16, AX
	CMPQ    AX, CX
	JLT     mradd

	VEXTRACTF64X4 $1, Z0, Y2
	VMAXPS        Y2, Y0, Y0
	VEXTRACTF128  $1, Y0, X2
	VMAXPS        X2, X0, X0
	VPERMILPS     $0x4e, X0, X2
	VMAXPS        X2, X0, X0
	VPERMILPS     $0xb1, X0, X2
	VMAXPS        X2, X0, X0
	VBROADCASTSS  X0, Z1

	MOVQ $-1, R8
	XORQ AX, AX

mrshift:
	VMOVUPS (DI)(AX*4), Z2
	TESTQ   R8, R8
	JGE     mrfound
	VCMPPS  $0, Z1, Z2, K1
	KMOVW   K1, DX
	TESTL   DX, DX
	JEQ     mrfound
	TZCNTL  DX, DX
	LEAQ    (AX)(DX*1), R8

mrfound:
	VSUBPS  Z1, Z2, Z2
	VMOVUPS Z2, (DI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, CX
	JLT     mrshift
	MOVL    R8, (R10)
	ADDQ    $4, R10
	ADDQ    R9, DI
	DECQ    R11
	JNZ     mrrow

mrdone:
	VZEROUPPER
	RET
