/* pcmath.c — deterministic log/exp/pow. See pcmath.h for why libm is not used here.
 * Only + - * / floor and bit manipulation; floor is exact on every IEEE platform. */
#include "pcmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static uint64_t bits_of(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double of_bits(uint64_t u) {
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

int pc_isfinite(double x) { return ((bits_of(x) >> 52) & 0x7ff) != 0x7ff; }

double pc_frexp(double x, int *e) {
    uint64_t u = bits_of(x);
    int ex = (int)((u >> 52) & 0x7ff);
    *e = 0;
    if (ex == 0x7ff || x == 0.0) return x;
    if (ex == 0) {
        /* subnormal: scale into the normal range first (2^64 is exact) */
        x *= 18446744073709551616.0;
        u = bits_of(x);
        ex = (int)((u >> 52) & 0x7ff) - 64;
    }
    *e = ex - 1022;
    u = (u & ~(0x7ffull << 52)) | (1022ull << 52);
    return of_bits(u);
}

/* 2^e as a double for -1022 <= e <= 1023. */
static double pow2i(int e) { return of_bits((uint64_t)(e + 1023) << 52); }

double pc_ldexp(double x, int e) {
    if (x == 0.0 || !pc_isfinite(x)) return x;
    if (e > 2100) e = 2100;
    if (e < -2100) e = -2100;
    /* apply in steps that each stay representable; rounding happens only on the last */
    while (e > 1023) {
        x *= pow2i(1023);
        e -= 1023;
    }
    while (e < -1022) {
        x *= pow2i(-1022);
        e += 1022;
        if (x == 0.0) return x;
    }
    return x * pow2i(e);
}

static const double LN2_HI = 6.93147180369123816490e-01; /* ln 2, upper bits (exact * k) */
static const double LN2_LO = 1.90821492927058770002e-10; /* ln 2 - LN2_HI */
static const double LN10 = 2.30258509299404568402;
static const double INV_LN2 = 1.44269504088896338700;

double pc_log(double x) {
    if (x != x || x < 0.0) return NAN;
    if (x == 0.0) return -INFINITY;
    if (!pc_isfinite(x)) return x;
    int e;
    double m = pc_frexp(x, &e); /* x = m * 2^e, m in [0.5, 1) */
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    /* m in [sqrt(1/2), sqrt(2)): ln m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.1716 */
    double s = (m - 1.0) / (m + 1.0);
    double s2 = s * s;
    double term = s, sum = 0.0;
    for (int k = 1; k <= 23; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return (double)e * LN2_HI + ((double)e * LN2_LO + 2.0 * sum);
}

double pc_log2(double x) { return pc_log(x) * INV_LN2; }

/* Exact powers of ten that doubles hold exactly. */
static const double POW10_EXACT[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double pc_log10(double x) {
    double r = pc_log(x) / LN10;
    if (!pc_isfinite(r)) return r;
    /* snap to the integer when x is (the double nearest to) that power of ten, so decade
     * boundaries never land one ulp short of an integer */
    double n = floor(r + 0.5);
    if (n >= -300 && n <= 300 && (r - n < 1e-9 && n - r < 1e-9) && pc_pow10(n) == x) return n;
    return r;
}

double pc_exp(double x) {
    if (x != x) return x;
    if (x > 709.8) return INFINITY;
    if (x < -745.2) return 0.0;
    double kd = floor(x * INV_LN2 + 0.5);
    int k = (int)kd;
    double r = (x - kd * LN2_HI) - kd * LN2_LO; /* |r| <= ~0.347 */
    /* Taylor series to r^17/17!: error far below an ulp for |r| < 0.35 */
    double term = 1.0, sum = 1.0;
    for (int i = 1; i <= 17; i++) {
        term *= r / i;
        sum += term;
    }
    return pc_ldexp(sum, k);
}

double pc_pow10(double x) {
    if (x != x) return x;
    double n = floor(x);
    if (n == x && n >= -22 && n <= 22) {
        int i = (int)n;
        return i >= 0 ? POW10_EXACT[i] : 1.0 / POW10_EXACT[-i];
    }
    if (n == x && n > 22 && n <= 308) {
        /* integer exponents: multiply exact pieces (a couple of roundings at most) */
        double v = 1.0;
        int i = (int)n;
        while (i > 22) {
            v *= 1e22;
            i -= 22;
        }
        return v * POW10_EXACT[i];
    }
    if (n == x && n < -22 && n >= -308) {
        double v = 1.0;
        int i = (int)-n;
        while (i > 22) {
            v /= 1e22;
            i -= 22;
        }
        return v / POW10_EXACT[i];
    }
    /* split off the integer part so exp only sees a small argument */
    if (x > 309) return INFINITY;
    if (x < -330) return 0.0;
    double f = x - n;
    return pc_pow10(n) * pc_exp(f * LN10);
}

double pc_pow(double x, double y) {
    if (x != x || y != y) return NAN;
    if (y == 0.0) return 1.0;
    if (x == 0.0) return y > 0 ? 0.0 : INFINITY;
    if (floor(y) == y && y >= -64 && y <= 64) {
        /* small integer powers by squaring: exact where the result is representable */
        int n = (int)(y < 0 ? -y : y);
        double r = 1.0, b = x;
        while (n) {
            if (n & 1) r *= b;
            b *= b;
            n >>= 1;
        }
        return y < 0 ? 1.0 / r : r;
    }
    if (x < 0.0) {
        double n = floor(y);
        if (n != y) return NAN;
        double v = pc_exp(y * pc_log(-x));
        /* odd integer exponent keeps the sign; floor(y/2)*2 != y means odd */
        return (floor(y * 0.5) * 2.0 != y) ? -v : v;
    }
    return pc_exp(y * pc_log(x));
}

/* sin on [-pi/4, pi/4] and cos on the same interval: Taylor series to x^17 / x^16 (the
 * remainder is below 2e-18 there). */
static double sin_core(double x) {
    double x2 = x * x, term = x, sum = x;
    for (int k = 1; k <= 8; k++) {
        term = -term * x2 / (double)((2 * k) * (2 * k + 1));
        sum += term;
    }
    return sum;
}

static double cos_core(double x) {
    double x2 = x * x, term = 1.0, sum = 1.0;
    for (int k = 1; k <= 8; k++) {
        term = -term * x2 / (double)((2 * k - 1) * (2 * k));
        sum += term;
    }
    return sum;
}

/* Reduces x to r in [-pi/4, pi/4] with x = r + q * pi/2; returns q mod 4. pi/2 in two parts
 * (Cody-Waite) keeps the reduction accurate for the angles a camera uses. */
static int reduce_quadrant(double x, double *r) {
    const double pio2_hi = 1.5707963267341256e+00, pio2_lo = 6.0771005065061922e-11;
    const double two_over_pi = 6.3661977236758138e-01;
    double q = floor(x * two_over_pi + 0.5);
    *r = (x - q * pio2_hi) - q * pio2_lo;
    double m = q - floor(q * 0.25) * 4.0; /* 0..3 also for negative q */
    return (int)m;
}

double pc_sin(double x) {
    if (!pc_isfinite(x)) return NAN;
    double r;
    switch (reduce_quadrant(x, &r)) {
    case 0: return sin_core(r);
    case 1: return cos_core(r);
    case 2: return -sin_core(r);
    default: return -cos_core(r);
    }
}

double pc_cos(double x) {
    if (!pc_isfinite(x)) return NAN;
    double r;
    switch (reduce_quadrant(x, &r)) {
    case 0: return cos_core(r);
    case 1: return -sin_core(r);
    case 2: return -cos_core(r);
    default: return sin_core(r);
    }
}
