/*
 * bench-stats.c: the statistics the benchmarks report
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>

#include "bench-stats.h"

static int
benchCmpDouble(const void *a, const void *b)
{
    double x = *(const double *) a;
    double y = *(const double *) b;

    return (x > y) - (x < y);
}

double
benchMedian(double *samples, size_t n)
{
    qsort(samples, n, sizeof(*samples), benchCmpDouble);
    return samples[n / 2];
}
