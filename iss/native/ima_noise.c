/* Non-ideal IMA: the PCM statistical model of IBM's aihwkit (PCMLikeNoiseModel), applied to
 * the programmed weights once per batch of programming (docs/ima.md).
 *
 * Each weight w in [-7, 7] is a differential pair of conductances, g+ = max(w, 0) / 7 * gmax
 * and g- = max(-w, 0) / 7 * gmax (gmax = 25 uS). Each device gets
 *   programming noise: g = g_t + sigma_prog(g_t) * N(0,1), sigma_prog = gmax/25 *
 *                      (0.26348 + 1.9650 x - 1.1731 x^2) uS with x = g_t / gmax, clipped at 0;
 *   drift after t seconds (t0 = 20 s): g *= ((t + t0) / t0)^-nu, nu = |mu + sd N(0,1)|,
 *                      mu = clip(-0.0155 ln x + 0.0244, 0.049, 0.1),
 *                      sd = clip(-0.0125 ln x - 0.0059, 0.008, 0.045);
 *   accumulated 1/f read noise: g += |g| * Qs * sqrt(ln((t + t0 + tr) / (2 tr))) * N(0,1),
 *                      Qs = min(0.0088 / max(x, 1e-3)^0.65, 0.2), tr = 250 ns; clipped at 0;
 * and the effective weight is (g+ - g-) / gmax * 7. The random numbers come from a seeded
 * generator in a fixed order (cell by cell), so a seed gives the same weights every run. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define GMAX 25.0
#define T0 20.0
#define T_READ 250e-9

static uint64_t next_u64(uint64_t *s)   /* splitmix64 */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double gauss(uint64_t *s)   /* Box-Muller */
{
    double u1 = ((next_u64(s) >> 11) + 1.0) / 9007199254740993.0;
    double u2 = (next_u64(s) >> 11) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static double clip(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static double device(double g_target, double t, uint64_t *s)
{
    double x = g_target / GMAX;
    double sig = (0.26348 + 1.9650 * x - 1.1731 * x * x) * GMAX / 25.0;
    double g = g_target + sig * gauss(s);
    if (g < 0)
        g = 0;
    double xr = x > 1e-6 ? x : 1e-6;   /* aihwkit clips the relative conductance away from 0 */
    double mu = clip(-0.0155 * log(xr) + 0.0244, 0.049, 0.1);
    double sd = clip(-0.0125 * log(xr) - 0.0059, 0.008, 0.045);
    double nu = fabs(mu + sd * gauss(s));
    double tt = t + T0;
    if (tt > T0)
        g *= pow(tt / T0, -nu);
    double gp = g / GMAX > 1e-3 ? g / GMAX : 1e-3;
    double qs = fmin(0.0088 / pow(gp, 0.65), 0.2);
    g += fabs(g) * qs * sqrt(log((tt + T_READ) / (2 * T_READ))) * gauss(s);
    return g < 0 ? 0 : g;
}

void iss_ima_pcm_weights(const int8_t *w, float *out, size_t n, uint64_t seed, double drift_seconds)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        double gp = w[i] > 0 ? w[i] / 7.0 * GMAX : 0, gm = w[i] < 0 ? -w[i] / 7.0 * GMAX : 0;
        double a = device(gp, drift_seconds, &s), b = device(gm, drift_seconds, &s);
        out[i] = (float)((a - b) / GMAX * 7.0);
    }
}
