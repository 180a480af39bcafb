/*
 * k42ts CPU benchmark.
 *
 * A small, deterministic workload for comparing the k42ts emulator with
 * qemu-user.  Four phases, each folding its results into a 64-bit checksum:
 *
 *   int     xorshift64 + FNV-1a over the bytes + multiply/rotate mixing
 *   sort    a hand-written quicksort and libc qsort over ~20k ints
 *   fp      a double loop: Horner polynomial, division, sqrt
 *   string  memcpy / memmove / strlen / memcmp / strchr over a 64 KiB buffer
 *
 * Usage: bench [scale] [phase]   (scale: default 10, the work grows linearly with it;
 *                                  phase: all (default), int, sort, fp or string)
 *
 * The program reads no clock and depends on nothing but its argument, so its
 * output is identical on every target (ppc64, ppc64le, ppc32, x86-64) and
 * under every emulator.  Everything is computed with fixed-width unsigned
 * integers, bytes are extracted by shifting (never through memory), memcmp
 * contributes only its sign and strchr only an offset, and the floating-point
 * work uses only correctly rounded operations (+ - * / sqrt) in a fixed order.
 * Build with -ffp-contract=off so no fused multiply-add changes a rounding.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SCALE 10

/* ---- helpers ------------------------------------------------------------ */

static inline uint64_t rotl64(uint64_t v, unsigned r)
{
    return (v << r) | (v >> (64 - r));
}

static inline uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* Final avalanche: used to fold values into checksums. */
static inline uint64_t mix64(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
    return h;
}

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* ---- phase 1: integer hashing ------------------------------------------- */

#define INT_ROUNDS 500000u

static uint64_t phase_int(unsigned scale)
{
    uint64_t state = 0x243f6a8885a308d3ULL;
    uint64_t h = 0x13198a2e03707344ULL;
    uint32_t n = INT_ROUNDS * scale;

    for (uint32_t i = 0; i < n; i++) {
        uint64_t x = xorshift64(&state);

        /* FNV-1a over the eight bytes of x, most significant first. */
        uint64_t f = 0xcbf29ce484222325ULL;
        for (int b = 56; b >= 0; b -= 8) {
            f ^= (x >> b) & 0xff;
            f *= 0x100000001b3ULL;
        }

        /* Multiply / rotate mixing with a data-dependent rotate count. */
        h = rotl64(h * 0x9fb21c651e98df25ULL + f, (unsigned)(x & 31) + 7);
        h ^= (h >> 29) * (uint64_t)(i | 1);

        /* A 32-bit multiply-high and a division, to exercise those too. */
        uint32_t lo = (uint32_t)f, hi = (uint32_t)(f >> 32);
        uint64_t p = (uint64_t)lo * hi;
        h += p >> 32;
        h ^= (uint64_t)(hi / ((lo & 0xffff) | 1));
    }
    return mix64(h, state);
}

/* ---- phase 2: sorting --------------------------------------------------- */

#define SORT_N      20000
#define SORT_ROUNDS 3u

static int32_t sort_a[SORT_N];
static int32_t sort_b[SORT_N];

static void insertion_sort(int32_t *v, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t t = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > t) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = t;
    }
}

/* Median-of-three Hoare quicksort; recurses on the smaller half. */
static void quick_sort(int32_t *v, int n)
{
    while (n > 16) {
        int32_t a = v[0], b = v[n / 2], c = v[n - 1];
        int32_t pivot = a < b ? (b < c ? b : (a < c ? c : a))
                              : (a < c ? a : (b < c ? c : b));
        int i = -1, j = n;
        for (;;) {
            do i++; while (v[i] < pivot);
            do j--; while (v[j] > pivot);
            if (i >= j)
                break;
            int32_t t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        int left = j + 1;
        if (left < n - left) {
            quick_sort(v, left);
            v += left;
            n -= left;
        } else {
            quick_sort(v + left, n - left);
            n = left;
        }
    }
    insertion_sort(v, n);
}

static int cmp_int32(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

static uint64_t phase_sort(unsigned scale)
{
    uint64_t state = 0xa4093822299f31d0ULL;
    uint64_t h = 0x082efa98ec4e6c89ULL;
    uint32_t rounds = SORT_ROUNDS * scale;

    for (uint32_t r = 0; r < rounds; r++) {
        /* Every third round draws from a narrow range so there are many
           duplicates; the others span the whole 32-bit range. */
        uint32_t mask = (r % 3 == 2) ? 0x3ffu : 0xffffffffu;
        for (int i = 0; i < SORT_N; i++) {
            uint32_t u = (uint32_t)(xorshift64(&state) >> 16) & mask;
            sort_a[i] = (int32_t)u;
            sort_b[i] = (int32_t)u;
        }
        quick_sort(sort_a, SORT_N);
        qsort(sort_b, SORT_N, sizeof sort_b[0], cmp_int32);

        for (int i = 0; i < SORT_N; i++) {
            if (sort_a[i] != sort_b[i]) {
                printf("sort mismatch at round %u index %d\n", (unsigned)r, i);
                exit(2);
            }
            if (i > 0 && sort_a[i - 1] > sort_a[i]) {
                printf("sort order broken at round %u index %d\n", (unsigned)r, i);
                exit(2);
            }
        }
        for (int i = 0; i < SORT_N; i += 97)
            h = mix64(h, (uint64_t)(uint32_t)sort_a[i] + ((uint64_t)i << 32));
        h = mix64(h, (uint64_t)(uint32_t)sort_a[SORT_N - 1]);
    }
    return h;
}

/* ---- phase 3: floating point ------------------------------------------- */

#define FP_ROUNDS 35000u

static const double poly[9] = {
    0.9999999999999999, -0.49999999999998,  0.3333333333321,
   -0.2499999998765,     0.199999993,      -0.16666651,
    0.1428522,          -0.124823,          0.10872,
};

static uint64_t phase_fp(unsigned scale)
{
    uint64_t h = 0x452821e638d01377ULL;
    uint32_t n = FP_ROUNDS * scale;
    double acc = 0.0, acc2 = 1.0;

    for (uint32_t i = 0; i < n; i++) {
        double x = (double)(i % 4093u) / 4093.0 - 0.5;   /* [-0.5, 0.5) */

        /* Horner evaluation of the degree-8 polynomial. */
        double p = poly[8];
        for (int k = 7; k >= 0; k--)
            p = p * x + poly[k];

        double q = p / (1.0 + x * x);
        double s = sqrt(q * q + 1.0 + (double)(i & 255));
        acc += s - q;
        acc2 = acc2 * 0.999 + s / (s + 3.0);

        if ((i & 1023) == 1023) {
            h = mix64(h, double_bits(acc));
            h = mix64(h, double_bits(acc2));
        }
    }
    h = mix64(h, double_bits(acc));
    return mix64(h, double_bits(acc2));
}

/* ---- phase 4: strings --------------------------------------------------- */

#define STR_SIZE   65536
#define STR_ROUNDS 6000u

static char str_buf[STR_SIZE];
static char str_tmp[STR_SIZE];

static uint64_t phase_string(unsigned scale)
{
    uint64_t state = 0xbe5466cf34e90c6cULL;
    uint64_t h = 0xc0ac29b7c97c50ddULL;
    uint32_t n = STR_ROUNDS * scale;

    /* Printable bytes with a terminator roughly every 2 KiB. */
    for (int i = 0; i < STR_SIZE; i++) {
        uint64_t r = xorshift64(&state);
        str_buf[i] = (r & 0x7ff) == 0 ? 0 : (char)(' ' + (r >> 11) % 95);
    }
    str_buf[STR_SIZE - 1] = 0;
    memcpy(str_tmp, str_buf, STR_SIZE);

    for (uint32_t i = 0; i < n; i++) {
        uint64_t r = xorshift64(&state);
        uint32_t len = (uint32_t)(r & 0xfff) + 1;                     /* 1..4096 */
        uint32_t src = (uint32_t)(r >> 12) % (STR_SIZE - 1 - len);
        uint32_t dst = (uint32_t)(r >> 32) % (STR_SIZE - 1 - len);
        uint32_t off = (uint32_t)(r >> 48) % (STR_SIZE - 1);

        /* Copy out, then move within the buffer (often overlapping). */
        memcpy(str_tmp + dst, str_buf + src, len);
        uint32_t near = dst + (uint32_t)((r >> 20) & 63);
        if (near > STR_SIZE - 1 - len)
            near = STR_SIZE - 1 - len;
        memmove(str_buf + near, str_buf + src, len);

        /* Keep a steady supply of terminators. */
        if ((i & 7) == 0)
            str_buf[off] = 0;
        else
            str_buf[off] = (char)('a' + (r >> 40) % 26);
        str_buf[STR_SIZE - 1] = 0;
        str_tmp[STR_SIZE - 1] = 0;

        size_t l1 = strlen(str_buf + off);
        size_t l2 = strlen(str_tmp + dst);

        int c = memcmp(str_buf + src, str_tmp + dst, len);
        uint64_t sign = c < 0 ? 1 : c > 0 ? 2 : 3;

        int want = ' ' + (int)((r >> 24) % 95);
        const char *p = strchr(str_buf + off, want);
        uint64_t where = p ? (uint64_t)(p - str_buf) : 0xffffffffULL;

        h = mix64(h, (uint64_t)l1 ^ ((uint64_t)l2 << 20) ^ (sign << 40));
        h = mix64(h, where);
    }
    uint64_t f = 0xcbf29ce484222325ULL;
    for (int i = 0; i < STR_SIZE; i++) {
        f ^= (unsigned char)str_buf[i];
        f *= 0x100000001b3ULL;
        f ^= (unsigned char)str_tmp[i];
        f *= 0x100000001b3ULL;
    }
    return mix64(h, f);
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
    unsigned scale = DEFAULT_SCALE;
    const char *only = argc > 2 ? argv[2] : "all";
    if (argc > 1) {
        int s = atoi(argv[1]);
        if (s < 1 || s > 4000) {
            fprintf(stderr, "usage: %s [scale 1..4000] [all|int|sort|fp|string]\n", argv[0]);
            return 1;
        }
        scale = (unsigned)s;
    }
    int all = strcmp(only, "all") == 0;
    if (!all && strcmp(only, "int") != 0 && strcmp(only, "sort") != 0 && strcmp(only, "fp") != 0 &&
        strcmp(only, "string") != 0) {
        fprintf(stderr, "%s: unknown phase %s (all, int, sort, fp, string)\n", argv[0], only);
        return 1;
    }

    /* One phase alone (the benchmark times the FP phase by itself); the total folds the
       phases that ran, in order. */
    uint64_t total = 0;
    if (all || strcmp(only, "int") == 0) {
        uint64_t c_int = phase_int(scale);
        printf("phase int checksum %016llx\n", (unsigned long long)c_int);
        total = mix64(total, c_int);
    }
    if (all || strcmp(only, "sort") == 0) {
        uint64_t c_sort = phase_sort(scale);
        printf("phase sort checksum %016llx\n", (unsigned long long)c_sort);
        total = mix64(total, c_sort);
    }
    if (all || strcmp(only, "fp") == 0) {
        uint64_t c_fp = phase_fp(scale);
        printf("phase fp checksum %016llx\n", (unsigned long long)c_fp);
        total = mix64(total, c_fp);
    }
    if (all || strcmp(only, "string") == 0) {
        uint64_t c_str = phase_string(scale);
        printf("phase string checksum %016llx\n", (unsigned long long)c_str);
        total = mix64(total, c_str);
    }
    printf("total %016llx\n", (unsigned long long)total);
    return 0;
}
