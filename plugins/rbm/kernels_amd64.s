//go:build amd64 && !purego

#include "textflag.h"

// AVX2/FMA kernels of the RBM (see kernels_amd64.go for their contracts).

// Coefficients of the float32 tanh approximation (the rational function
// of Eigen's ptanh_float: x·P(x²)/Q(x²) on x clamped to ±7.998…), each
// repeated over the 8 lanes of a YMM register.
// 0: +clamp = 7.998811721801758
DATA tanhc<>+0(SB)/8, $0x40fff64440fff644
DATA tanhc<>+8(SB)/8, $0x40fff64440fff644
DATA tanhc<>+16(SB)/8, $0x40fff64440fff644
DATA tanhc<>+24(SB)/8, $0x40fff64440fff644
// 32: -clamp = -7.998811721801758
DATA tanhc<>+32(SB)/8, $0xc0fff644c0fff644
DATA tanhc<>+40(SB)/8, $0xc0fff644c0fff644
DATA tanhc<>+48(SB)/8, $0xc0fff644c0fff644
DATA tanhc<>+56(SB)/8, $0xc0fff644c0fff644
// 64: alpha_13 = -2.76076847742355e-16
DATA tanhc<>+64(SB)/8, $0xa59f25c0a59f25c0
DATA tanhc<>+72(SB)/8, $0xa59f25c0a59f25c0
DATA tanhc<>+80(SB)/8, $0xa59f25c0a59f25c0
DATA tanhc<>+88(SB)/8, $0xa59f25c0a59f25c0
// 96: alpha_11 = 2.00018790482477e-13
DATA tanhc<>+96(SB)/8, $0x2a61337e2a61337e
DATA tanhc<>+104(SB)/8, $0x2a61337e2a61337e
DATA tanhc<>+112(SB)/8, $0x2a61337e2a61337e
DATA tanhc<>+120(SB)/8, $0x2a61337e2a61337e
// 128: alpha_9 = -8.60467152213735e-11
DATA tanhc<>+128(SB)/8, $0xaebd37ffaebd37ff
DATA tanhc<>+136(SB)/8, $0xaebd37ffaebd37ff
DATA tanhc<>+144(SB)/8, $0xaebd37ffaebd37ff
DATA tanhc<>+152(SB)/8, $0xaebd37ffaebd37ff
// 160: alpha_7 = 5.12229709037114e-08
DATA tanhc<>+160(SB)/8, $0x335c0041335c0041
DATA tanhc<>+168(SB)/8, $0x335c0041335c0041
DATA tanhc<>+176(SB)/8, $0x335c0041335c0041
DATA tanhc<>+184(SB)/8, $0x335c0041335c0041
// 192: alpha_5 = 1.48572235717979e-05
DATA tanhc<>+192(SB)/8, $0x3779434a3779434a
DATA tanhc<>+200(SB)/8, $0x3779434a3779434a
DATA tanhc<>+208(SB)/8, $0x3779434a3779434a
DATA tanhc<>+216(SB)/8, $0x3779434a3779434a
// 224: alpha_3 = 0.000637261928875436
DATA tanhc<>+224(SB)/8, $0x3a270ded3a270ded
DATA tanhc<>+232(SB)/8, $0x3a270ded3a270ded
DATA tanhc<>+240(SB)/8, $0x3a270ded3a270ded
DATA tanhc<>+248(SB)/8, $0x3a270ded3a270ded
// 256: alpha_1 = 0.00489352455891786
DATA tanhc<>+256(SB)/8, $0x3ba059dc3ba059dc
DATA tanhc<>+264(SB)/8, $0x3ba059dc3ba059dc
DATA tanhc<>+272(SB)/8, $0x3ba059dc3ba059dc
DATA tanhc<>+280(SB)/8, $0x3ba059dc3ba059dc
// 288: beta_6 = 1.19825839466702e-06
DATA tanhc<>+288(SB)/8, $0x35a0d3d835a0d3d8
DATA tanhc<>+296(SB)/8, $0x35a0d3d835a0d3d8
DATA tanhc<>+304(SB)/8, $0x35a0d3d835a0d3d8
DATA tanhc<>+312(SB)/8, $0x35a0d3d835a0d3d8
// 320: beta_4 = 0.000118534705686654
DATA tanhc<>+320(SB)/8, $0x38f895d638f895d6
DATA tanhc<>+328(SB)/8, $0x38f895d638f895d6
DATA tanhc<>+336(SB)/8, $0x38f895d638f895d6
DATA tanhc<>+344(SB)/8, $0x38f895d638f895d6
// 352: beta_2 = 0.002268434632439
DATA tanhc<>+352(SB)/8, $0x3b14aa053b14aa05
DATA tanhc<>+360(SB)/8, $0x3b14aa053b14aa05
DATA tanhc<>+368(SB)/8, $0x3b14aa053b14aa05
DATA tanhc<>+376(SB)/8, $0x3b14aa053b14aa05
// 384: beta_0 = 0.00489352518554385
DATA tanhc<>+384(SB)/8, $0x3ba059dd3ba059dd
DATA tanhc<>+392(SB)/8, $0x3ba059dd3ba059dd
DATA tanhc<>+400(SB)/8, $0x3ba059dd3ba059dd
DATA tanhc<>+408(SB)/8, $0x3ba059dd3ba059dd
GLOBL tanhc<>(SB), RODATA|NOPTR, $416

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

// func tanhBiasAVX(x, b *float32, n int)
TEXT ·tanhBiasAVX(SB), NOSPLIT, $0-24
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

// func tanhBiasSumAVX(x, b, sum *float32, n int)
TEXT ·tanhBiasSumAVX(SB), NOSPLIT, $0-32
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

// func tanhBiasSumErrAVX(x, b, sum, ref *float32, n int) float32
TEXT ·tanhBiasSumErrAVX(SB), NOSPLIT, $0-44
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
