// SPDX-License-Identifier: MIT
/*
 * drm_bench: results, the table and the JSON file.
 *
 * Each round measures both pairs back to back, so each round gives one
 * ratio upstream cost / our cost (above 1: ours is faster). A result
 * reports the median of those ratios and their range, and per pair the
 * spread of its costs around their median. Absolute times of a TCG guest
 * mean nothing and are only in the JSON file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "bench.h"

#define MAX_RESULTS 96

static struct result results[MAX_RESULTS];
static int nresults;

struct result *result_new(const char *name, const char *size,
			  const char *unit, int rounds)
{
	struct result *r;

	if (nresults == MAX_RESULTS)
		die("too many results");
	r = &results[nresults++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->size, sizeof(r->size), "%s", size);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	r->rounds = rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
	r->counted = true;
	return r;
}

static int ratios(const struct result *r, double *v,
		  const double a[MAX_ROUNDS], const double b[MAX_ROUNDS])
{
	int i, n = 0;

	for (i = 0; i < r->rounds; i++)
		if (a[i] > 0 && b[i] > 0)
			v[n++] = a[i] / b[i];
	return n;
}

/* Median over rounds of upstream cost / our cost, and its range. */
double result_ratio(const struct result *r, double *lo, double *hi)
{
	double v[MAX_ROUNDS];
	int n = ratios(r, v, r->cost[UP], r->cost[OURS]);

	if (!n)
		return NAN;
	if (lo)
		*lo = minimum(v, n);
	if (hi)
		*hi = maximum(v, n);
	return median(v, n);
}

static double cpu_ratio(const struct result *r)
{
	double v[MAX_ROUNDS];
	int n;

	if (!r->has_cpu)
		return NAN;
	n = ratios(r, v, r->cpu[UP], r->cpu[OURS]);
	return n ? median(v, n) : NAN;
}

/* Median over rounds of our cost / the limit's: 1 is the limit. */
static double limit_ratio(const struct result *r)
{
	double v[MAX_ROUNDS];
	int n;

	if (!r->has_limit)
		return NAN;
	n = ratios(r, v, r->cost[OURS], r->limit);
	return n ? median(v, n) : NAN;
}

/* Half the range of a pair's costs, in percent of their median. */
static double spread(const struct result *r, int pair)
{
	double v[MAX_ROUNDS], m;
	int i, n = 0;

	for (i = 0; i < r->rounds; i++)
		if (r->cost[pair][i] > 0)
			v[n++] = r->cost[pair][i];
	if (!n)
		return NAN;
	m = median(v, n);
	return m > 0 ? 50 * (maximum(v, n) - minimum(v, n)) / m : NAN;
}

static void fmt(char *buf, size_t len, const char *f, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, f, v);
}

static bool measured(const struct result *r)
{
	return r->rounds > 0 && !isnan(result_ratio(r, NULL, NULL));
}

static void print_table(FILE *f)
{
	const struct result *worst = NULL;
	int i, counted = 0, good = 0;
	double wr = 0;

	fprintf(f, "%-22s %-10s %6s %-11s %6s %6s %6s %7s  %s\n",
		"measurement", "size", "ratio", "range", "ours", "upstr",
		"cpu", "o/limit", "notes");
	for (i = 0; i < nresults; i++) {
		const struct result *r = &results[i];
		char ratio[16], range[24], so[16], su[16], cpu[16], lim[16];
		double lo = 0, hi = 0, q;

		if (!measured(r)) {
			fprintf(f, "%-22s %-10s %6s %-11s %6s %6s %6s %7s  %s\n",
				r->name, r->size, "-", "-", "-", "-", "-", "-",
				r->note);
			continue;
		}
		q = result_ratio(r, &lo, &hi);
		fmt(ratio, sizeof(ratio), "%.2f", q);
		snprintf(range, sizeof(range), "%.2f-%.2f", lo, hi);
		fmt(so, sizeof(so), "±%.0f%%", spread(r, OURS));
		fmt(su, sizeof(su), "±%.0f%%", spread(r, UP));
		fmt(cpu, sizeof(cpu), "%.2f", cpu_ratio(r));
		fmt(lim, sizeof(lim), "%.2f", limit_ratio(r));
		fprintf(f, "%-22s %-10s %6s %-11s %7s %7s %6s %7s  %s%s\n",
			r->name, r->size, ratio, range, so, su, cpu, lim,
			r->counted ? "" : "(not counted) ", r->note);
		if (!r->counted)
			continue;
		counted++;
		/* As printed: 0.995 shows as 1.00 and counts as such. */
		if (round(q * 100) >= 100)
			good++;
		if (!worst || q < wr) {
			worst = r;
			wr = q;
		}
	}
	fprintf(f, "ratio = upstream cost / our cost (median of up to %d alternating rounds; above 1: ours is faster);\n"
		"range = lowest and highest per-round ratio; ours, upstr = spread of each side's costs;\n"
		"cpu = the same ratio for CPU time of the benchmark process; o/limit = our cost / the limit's.\n",
		opt.rounds);
	if (opt.icount >= 0)
		fprintf(f, "clock: QEMU -icount shift=%d, the guest's time counts executed instructions (%d ns each):\n"
			"costs do not depend on the host's load; ratios are of instruction counts, not of real time.\n",
			opt.icount, 1 << opt.icount);
	else
		fprintf(f, "clock: wall time of a TCG guest, which a busy host distorts: ratios are rough.\n");
	if (worst)
		fprintf(f, "bench: %d ratios, %d >= 1.00, worst %s@%s %.2f\n",
			counted, good, worst->name, worst->size, wr);
	else
		fprintf(f, "bench: 0 ratios, 0 >= 1.00, worst - -\n");
}

void results_print(void)
{
	FILE *f;

	print_table(stdout);
	fflush(stdout);
	if (opt.table) {
		f = fopen(opt.table, "w");
		if (!f)
			die("cannot write %s", opt.table);
		print_table(f);
		fclose(f);
	}
}

static void json_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.9g", v);
}

static void json_array(FILE *f, const double *v, int n)
{
	int i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_num(f, v[i]);
	}
	fputc(']', f);
}

/* Notes hold no quotes or backslashes; keep it that way. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		if (*s != '"' && *s != '\\' && (unsigned char)*s >= ' ')
			fputc(*s, f);
	fputc('"', f);
}

void results_json(const char *path)
{
	struct utsname u;
	FILE *f;
	int i;

	f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	uname(&u);
	fprintf(f, "{\n  \"kernel\": ");
	json_str(f, u.release);
	fprintf(f, ",\n  \"rounds\": %d,\n  \"quick\": %s,\n  \"pairs\": {\"ours\": [\"%s\", \"%s\"], \"upstream\": [\"%s\", \"%s\"]},\n",
		opt.rounds, opt.quick ? "true" : "false",
		pairs[OURS].exp_name, pairs[OURS].disp_name,
		pairs[UP].exp_name, pairs[UP].disp_name);
	fprintf(f, "  \"icount_shift\": %d,\n", opt.icount);
	fprintf(f, "  \"note\": \"costs are in seconds of the guest clock (with icount: instructions times 2^shift ns); compare ratios only\",\n");
	fprintf(f, "  \"results\": [\n");
	for (i = 0; i < nresults; i++) {
		const struct result *r = &results[i];
		double lo = NAN, hi = NAN, q = result_ratio(r, &lo, &hi);

		fprintf(f, "    {\"name\": ");
		json_str(f, r->name);
		fprintf(f, ", \"size\": ");
		json_str(f, r->size);
		fprintf(f, ", \"unit\": ");
		json_str(f, r->unit);
		fprintf(f, ", \"measured\": %s, \"counted\": %s",
			measured(r) ? "true" : "false",
			r->counted ? "true" : "false");
		fprintf(f, ",\n     \"ratio\": ");
		json_num(f, q);
		fprintf(f, ", \"ratio_min\": ");
		json_num(f, measured(r) ? lo : NAN);
		fprintf(f, ", \"ratio_max\": ");
		json_num(f, measured(r) ? hi : NAN);
		fprintf(f, ", \"cpu_ratio\": ");
		json_num(f, cpu_ratio(r));
		fprintf(f, ", \"ours_over_limit\": ");
		json_num(f, limit_ratio(r));
		fprintf(f, ",\n     \"ours\": ");
		json_array(f, r->cost[OURS], r->rounds);
		fprintf(f, ", \"upstream\": ");
		json_array(f, r->cost[UP], r->rounds);
		if (r->has_limit) {
			fprintf(f, ", \"limit\": ");
			json_array(f, r->limit, r->rounds);
		}
		if (r->has_cpu) {
			fprintf(f, ",\n     \"ours_cpu\": ");
			json_array(f, r->cpu[OURS], r->rounds);
			fprintf(f, ", \"upstream_cpu\": ");
			json_array(f, r->cpu[UP], r->rounds);
		}
		if (r->extra[0])
			fprintf(f, ",\n     %s", r->extra);
		fprintf(f, ",\n     \"note\": ");
		json_str(f, r->note);
		fprintf(f, "}%s\n", i + 1 < nresults ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	fclose(f);
}
