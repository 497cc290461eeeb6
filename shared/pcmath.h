/* pcmath.h — deterministic elementary functions for pixel decisions.
 *
 * libm's log/exp/pow differ in the last bit between glibc (native) and musl (WASM), and a
 * last bit is enough to move a tick or a bar edge by a pixel. These are built only from
 * + - * / floor and exponent bit manipulation, so every IEEE-754 platform compiled with
 * -ffp-contract=off returns identical bits. Accuracy is a few ulp, which charts never see.
 * All functions are pure and cannot fail; out-of-domain inputs give NaN or +-inf like libm. */
#ifndef PC_PCMATH_H
#define PC_PCMATH_H

/* Natural logarithm; NaN for x < 0 or NaN, -inf for 0. */
double pc_log(double x);
/* Base-10 logarithm; an exact integer for x = 10^n, n in -22..22 (decade edges stay put). */
double pc_log10(double x);
/* Base-2 logarithm. */
double pc_log2(double x);
/* e^x; 0 on underflow, +inf on overflow. */
double pc_exp(double x);
/* 10^x; exact for integer x in -22..22. */
double pc_pow10(double x);
/* x^y for x > 0 (and y integer for x < 0); pc_pow(0, y) is 0 for y > 0, 1 for y == 0. */
double pc_pow(double x, double y);
/* x * 2^e with correct handling of overflow/underflow (like ldexp). */
double pc_ldexp(double x, int e);
/* Splits x into m * 2^e with 0.5 <= |m| < 1 (like frexp); *e = 0 for 0, inf, NaN. */
double pc_frexp(double x, int *e);
/* True for finite x (neither inf nor NaN). */
int pc_isfinite(double x);
/* Sine and cosine of x radians (range-reduced by 2*pi, then a Taylor polynomial: error
 * below 1e-15 for |x| < 1e6); NaN for inf or NaN. For camera angles. */
double pc_sin(double x);
double pc_cos(double x);

#endif
