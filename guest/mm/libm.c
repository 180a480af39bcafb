/* libm's transcendental functions. glibc's sin, cos, tan and atan2 save and set the rounding
 * mode with the ISA 3.0 mffs forms (mffscrn, mffscrni), which a POWER8 executes as plain mffs.
 * The output is deterministic (%.17g of each result); the exit status is the number of
 * non-finite results (2: exp(123456.789) and pow(3.64..., 123456.789) overflow). */
#include <math.h>
#include <stdio.h>

static const double X[] = {0.0, 0.5, 1.0, -2.5, 3.141592653589793, 10.0, 1e-300, 123456.789, -0.75};
#define N (sizeof X / sizeof X[0])

int main(void) {
    int bad = 0;
    for (unsigned i = 0; i < N; i++) {
        volatile double x = X[i], y = X[(i + 3) % N];
        double r[] = {sin(x), cos(x), tan(x), atan2(x, y), exp(x), log(fabs(x) + 1.0), pow(fabs(x) + 0.5, y)};
        printf("x=%.17g y=%.17g\n", x, y);
        printf("  sin %.17g cos %.17g tan %.17g\n", r[0], r[1], r[2]);
        printf("  atan2 %.17g exp %.17g log %.17g pow %.17g\n", r[3], r[4], r[5], r[6]);
        for (unsigned k = 0; k < sizeof r / sizeof r[0]; k++) bad += !isfinite(r[k]);
    }
    return bad;
}
