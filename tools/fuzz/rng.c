// SPDX-License-Identifier: MIT
/*
 * Random and boundary values. One xoshiro256** generator per context,
 * seeded from the run's seed and the context's stream number, so a run
 * with one thread replays exactly.
 */
#define _GNU_SOURCE
#include <limits.h>

#include "fuzz.h"

static u64 splitmix64(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, u64 seed, u64 stream)
{
	u64 x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static u64 rotl(u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

u64 rnd64(struct ctx *c)
{
	u64 *s = c->rng.s;
	u64 result = rotl(s[1] * 5, 7) * 9;
	u64 t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

u32 rnd(struct ctx *c, u32 n)
{
	return n ? (u32)(rnd64(c) % n) : 0;
}

bool chance(struct ctx *c, u32 percent)
{
	return rnd(c, 100) < percent;
}

static const u64 boundary64[] = {
	0, 1, 2, 3, 4, 7, 8, 63, 64, 255, 256,
	PAGE - 1, PAGE, PAGE + 1, 2 * PAGE - 1, 2 * PAGE + 1,
	0x7fff, 0xffff, 0x10000, INT_MAX, (u64)INT_MAX + 1, UINT_MAX - 1,
	UINT_MAX, (u64)UINT_MAX + 1, 1ULL << 40, 1ULL << 62, LLONG_MAX,
	(u64)LLONG_MAX + 1, ULLONG_MAX - PAGE + 1, ULLONG_MAX - 1, ULLONG_MAX,
};

static const u32 boundary32[] = {
	0, 1, 2, 3, 4, 7, 8, 31, 32, 63, 64, 255, 256, 4095, 4096, 4097,
	0x7fff, 0xffff, 0x10000, INT_MAX, (u32)INT_MAX + 1, UINT_MAX - 1,
	UINT_MAX,
};

/* A boundary value, a single bit, or anything. */
u32 bval32(struct ctx *c)
{
	switch (rnd(c, 4)) {
	case 0:
	case 1:
		return boundary32[rnd(c, ARRAY_SIZE(boundary32))];
	case 2:
		return 1U << rnd(c, 32);
	default:
		return (u32)rnd64(c);
	}
}

u64 bval64(struct ctx *c)
{
	switch (rnd(c, 4)) {
	case 0:
	case 1:
		return boundary64[rnd(c, ARRAY_SIZE(boundary64))];
	case 2:
		return 1ULL << rnd(c, 64);
	default:
		return rnd64(c);
	}
}

/*
 * Flags: mostly a valid combination, sometimes one bit outside @valid,
 * sometimes anything.
 */
u32 flags32(struct ctx *c, u32 valid, u32 percent_bad)
{
	u32 f;

	if (!chance(c, percent_bad))
		return (u32)rnd64(c) & valid;
	if (chance(c, 70)) {
		f = 1U << rnd(c, 32);
		return (f & valid) ? (f << 1) | f : f | ((u32)rnd64(c) & valid);
	}
	return (u32)rnd64(c);
}

/* Padding: zero, except now and then a single bit or anything. */
u32 pad32(struct ctx *c)
{
	if (!chance(c, 6))
		return 0;
	return chance(c, 70) ? 1U << rnd(c, 32) : (u32)rnd64(c);
}

/*
 * Object sizes: mostly small, some around page boundaries, some a few
 * MiB, and boundary values that must be refused (or are closed at once).
 */
u64 gen_size(struct ctx *c)
{
	u32 r = rnd(c, 100);

	if (r < 55)
		return 1 + rnd(c, 16 * PAGE);
	if (r < 70)
		return (1 + rnd(c, 8)) * PAGE + (u64)rnd(c, 3) - 1;
	if (r < 82)
		return PAGE * (16 + rnd(c, 240));
	if (r < 86)
		return PAGE * (256 + rnd(c, 1792));
	return bval64(c);
}

/* Pointers that can never be valid in our address space. */
const void *bad_ptr(struct ctx *c)
{
	static const uintptr_t bad[] = {
		0, 1, 8, PAGE, 0xffff888000000000UL, 0xffffffffff600000UL,
		(uintptr_t)-1, (uintptr_t)-PAGE, 0x800000000000UL,
	};

	return (const void *)bad[rnd(c, ARRAY_SIZE(bad))];
}
