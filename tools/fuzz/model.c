// SPDX-License-Identifier: MIT
/*
 * The model: what the fuzzer believes is alive (device files, handles,
 * dma-buf and sync_file fds, fences, mappings, flink names), so that most
 * calls hit live objects and some deliberately hit stale ones.
 *
 * Everything is under one mutex. An op marks the entries it uses
 * (ent_use) before dropping the lock for its system call; killing an
 * entry in use marks it "raced" instead of waiting, so threads really do
 * race closes against use, and the op then knows its result is not
 * checkable. Dead entries are freed when no op and no other entry uses
 * them; their values go to a small ring of stale values.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"

#define NSTALE 32

struct list {
	struct ent **v;
	unsigned int n, cap;
};

static pthread_mutex_t model_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct list live[K_KINDS];
static unsigned int next_id[K_KINDS];
static unsigned int next_obj_id;
static struct stale stale[K_KINDS][NSTALE];
static unsigned int nstale[K_KINDS];

/* Every dma-buf inode we made, for the leak check at the end. */
static unsigned long *inos;
static size_t ninos, cap_inos;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		out("fuzz: out of memory\n");
		abort();
	}
	return p;
}

void model_lock(void)
{
	pthread_mutex_lock(&model_mutex);
}

void model_unlock(void)
{
	pthread_mutex_unlock(&model_mutex);
}

const char *node_name(enum node_kind n)
{
	return n == NODE_CARD ? "card" : "render";
}

static void list_add(struct list *l, struct ent *e)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = e;
}

/* Order-preserving removal: replays must see the same order. */
static void list_del(struct list *l, struct ent *e)
{
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i] == e) {
			memmove(&l->v[i], &l->v[i + 1],
				(l->n - i - 1) * sizeof(*l->v));
			l->n--;
			return;
		}
	}
}

struct ent *ent_new(enum ent_kind k)
{
	struct ent *e = xrealloc(NULL, sizeof(*e));

	memset(e, 0, sizeof(*e));
	e->kind = k;
	e->id = ++next_id[k];
	e->live = true;
	e->fd = -1;
	list_add(&live[k], e);
	return e;
}

unsigned int live_count(enum ent_kind k)
{
	return live[k].n;
}

struct ent *live_at(enum ent_kind k, unsigned int i)
{
	return live[k].v[i];
}

struct obj *obj_new(u64 size, bool unsure)
{
	struct obj *o = xrealloc(NULL, sizeof(*o));

	memset(o, 0, sizeof(*o));
	o->id = ++next_obj_id;
	o->size = size;
	o->unsure = unsure;
	o->home_devi = -1;
	return o;
}

static void obj_put(struct obj *o)
{
	if (o && --o->refs == 0)
		free(o);
}

void ent_set_obj(struct ent *e, struct obj *o)
{
	e->obj = o;
	o->refs++;
}

void ent_set_dev(struct ent *e, struct ent *dev)
{
	e->dev = dev;
	dev->deps++;
}

void ent_origin(struct ent *e, const struct ctx *c)
{
	snprintf(e->origin, sizeof(e->origin), "%d:%lu%s %s", c->thread,
		 c->child ? c->fork_opi : c->opi, c->child ? ".c" : "",
		 op_table[c->cur_op].name);
}

static void ent_free(struct ent *e)
{
	struct ent *dev = e->dev;

	if (e->kind == K_MAP && e->addr)
		munmap(e->addr, e->len);
	obj_put(e->obj);
	free(e->signalled.bits);
	free(e);
	if (dev && --dev->deps == 0 && !dev->live && !dev->users)
		ent_free(dev);
}

static void maybe_free(struct ent *e)
{
	if (!e->live && !e->users && !e->deps)
		ent_free(e);
}

void ent_use(struct ent *e)
{
	e->users++;
}

void ent_unuse(struct ent *e)
{
	e->users--;
	maybe_free(e);
}

static void push_stale(struct ent *e)
{
	struct stale *s;

	if (e->kind == K_MAP)
		return;
	s = &stale[e->kind][nstale[e->kind]++ % NSTALE];
	s->val = e->kind == K_DEV || e->kind == K_DMABUF || e->kind == K_SYNC ?
		 (u32)e->fd : e->val;
	s->dev_id = e->dev ? e->dev->id : 0;
}

/* Counters on the object that tell what the kernel must agree with. */
static void obj_forget(struct ent *e)
{
	struct obj *o = e->obj;

	if (!o)
		return;
	if (e->kind == K_HANDLE)
		o->handles--;
	if (e->kind == K_HANDLE && --o->handles_on[e->dev->devi] == 0 &&
	    o->name && o->name_devi == e->dev->devi) {
		struct ent *f = find_flink(o->name);

		/* The name goes with the device's last handle. */
		if (f)
			ent_kill(f);
		o->name = 0;
	}
	if (e->kind == K_FENCE && o->fences)
		o->fences--;
	if (e->kind == K_DMABUF && !o->unsure && --o->dmabufs == 0)
		o->ino = 0;
	if (e->kind == K_FB && o->fbs)
		o->fbs--;
}

/*
 * Take @e out of the model. The caller closes, unmaps or signals the
 * kernel side; a mapping still in use is unmapped by its last user.
 */
void ent_kill(struct ent *e)
{
	if (!e->live)
		return;
	e->live = false;
	list_del(&live[e->kind], e);
	push_stale(e);
	obj_forget(e);
	if (e->users)
		e->raced = true;
	if (e->kind == K_MAP) {
		if (e->users) {
			e->doomed = true;
		} else {
			munmap(e->addr, e->len);
			e->addr = NULL;
		}
	}
	maybe_free(e);
}

/* Pick a random live entry of kind @k that @ok accepts (NULL: any). */
struct ent *pick_live(struct ctx *c, enum ent_kind k,
		      bool (*ok)(struct ctx *c, struct ent *e, const void *arg),
		      const void *arg)
{
	struct list *l = &live[k];
	unsigned int i, start;
	struct ent *e;

	if (!l->n)
		return NULL;
	start = rnd(c, l->n);
	for (i = 0; i < l->n; i++) {
		e = l->v[(start + i) % l->n];
		if (!ok || ok(c, e, arg))
			return e;
	}
	return NULL;
}

bool pick_stale(struct ctx *c, enum ent_kind k, struct stale *outp)
{
	unsigned int n = nstale[k] < NSTALE ? nstale[k] : NSTALE;

	if (!n)
		return false;
	*outp = stale[k][rnd(c, n)];
	return true;
}

struct ent *find_handle(struct ent *dev, u32 handle)
{
	struct list *l = &live[K_HANDLE];
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->dev == dev && l->v[i]->val == handle)
			return l->v[i];
	return NULL;
}

struct ent *find_fence(struct ent *dev, u32 id)
{
	struct list *l = &live[K_FENCE];
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->dev == dev && l->v[i]->val == id)
			return l->v[i];
	return NULL;
}

struct ent *find_flink(u32 name)
{
	struct list *l = &live[K_FLINK];
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->val == name)
			return l->v[i];
	return NULL;
}

/* A live entry of kind @k with value @val in the file @dev. */
struct ent *find_in_dev(enum ent_kind k, struct ent *dev, u32 val)
{
	struct list *l = &live[k];
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->dev == dev && l->v[i]->val == val)
			return l->v[i];
	return NULL;
}

/* Mode object ids are per device, not per file: any file of device @devi. */
struct ent *find_in_device(enum ent_kind k, unsigned int devi, u32 val)
{
	struct list *l = &live[k];
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->dev->devi == devi && l->v[i]->val == val)
			return l->v[i];
	return NULL;
}

unsigned int own_fences(struct ctx *c)
{
	struct list *l = &live[K_FENCE];
	unsigned int i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->v[i]->owner == c->cell;
	return n;
}

void bitmap_set(struct bitmap *b, size_t n)
{
	size_t bpl = 8 * sizeof(unsigned long), words;

	if (n >= b->nbits) {
		words = n / bpl + 64;
		b->bits = xrealloc(b->bits, words * sizeof(unsigned long));
		memset(b->bits + b->nbits / bpl, 0,
		       (words - b->nbits / bpl) * sizeof(unsigned long));
		b->nbits = words * bpl;
	}
	b->bits[n / bpl] |= 1UL << (n % bpl);
}

bool bitmap_test(const struct bitmap *b, size_t n)
{
	size_t bpl = 8 * sizeof(unsigned long);

	return n < b->nbits && (b->bits[n / bpl] & (1UL << (n % bpl)));
}

/*
 * In a forked child: everything came from the parent. Ops use this to
 * leave alone what the parent's model depends on. With other parent
 * threads still running, the shared files change under the child's copy:
 * then no object is known for sure.
 */
void model_mark_inherited(bool unsure)
{
	unsigned int k, i;
	struct ent *e;

	/* The child's own entries: ids apart from its parent's in the log. */
	next_obj_id = 900000;
	for (k = 0; k < K_KINDS; k++) {
		next_id[k] = 900000;
		for (i = 0; i < live[k].n; i++) {
			e = live[k].v[i];
			e->inherited = true;
			if (unsure && e->obj)
				e->obj->unsure = true;
		}
	}
}

void record_ino(unsigned long ino)
{
	if (ninos == cap_inos) {
		cap_inos = cap_inos ? 2 * cap_inos : 256;
		inos = xrealloc(inos, cap_inos * sizeof(*inos));
	}
	inos[ninos++] = ino;
}

bool ino_is_ours(unsigned long ino)
{
	size_t i;

	for (i = 0; i < ninos; i++)
		if (inos[i] == ino)
			return true;
	return false;
}
