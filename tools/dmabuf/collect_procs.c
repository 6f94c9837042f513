// SPDX-License-Identifier: MIT
/*
 * Who holds which dma-buf: every process's fdinfo (a dma-buf fd says
 * exp_name and its inode) and maps (a mapping of a dma-buf is named
 * "/dmabuf:<name>" and carries its inode), joined to the buffers by
 * inode. DRM fds are kept too (drm-client-id joins GEM handles to
 * processes), and the threads of holders asleep in a fence wait.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "proc_parse.h"
#include "util.h"

/**
 * struct proc_scan - one process being looked at
 * @s: the state
 * @opts: how
 * @pid: the process
 * @comm: its command name
 * @holds: it holds a dma-buf or a DRM file
 */
struct proc_scan {
	struct state *s;
	const struct collect_opts *opts;
	int pid;
	char *comm;
	bool holds;
};

static char *proc_file(const struct proc_scan *p, const char *what)
{
	return xasprintf("%s/proc/%d/%s", p->opts->root, p->pid, what);
}

static char *read_comm(const char *path)
{
	char *text;

	if (read_file(path, 0, &text, NULL))
		return xstrdup("?");
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* A buffer known only from a process: take what fdinfo says of it. */
static struct dbuf *buffer_from_fdinfo(struct state *s, const struct fdinfo *fi)
{
	struct dbuf *b = state_find(s, fi->ino);

	if (b)
		return b;
	b = state_add(s, fi->ino);
	b->source = "fdinfo";
	b->exporter = xstrdup(fi->exp_name);
	b->size = fi->size;
	b->name = fi->name ? xstrdup(fi->name) : NULL;
	b->count = fi->count;
	return b;
}

static void add_fd_holder(struct proc_scan *p, const struct fdinfo *fi, int fd)
{
	struct dbuf *b = buffer_from_fdinfo(p->s, fi);
	struct proc_ref *r = ARRAY_PUSH(b->fds, b->num_fds, b->cap_fds);

	r->pid = p->pid;
	r->comm = xstrdup(p->comm);
	r->fd = fd;
	p->holds = true;
}

static void add_drm_client(struct proc_scan *p, const struct fdinfo *fi,
			   int fd)
{
	struct drm_client_ref *c = ARRAY_PUSH(p->s->clients, p->s->num_clients,
					      p->s->cap_clients);

	c->driver = xstrdup(fi->drm_driver);
	c->client = fi->drm_client_id;
	c->pid = p->pid;
	c->comm = xstrdup(p->comm);
	c->fd = fd;
	p->holds = true;
}

static void scan_fd(struct proc_scan *p, const char *dir, int fd)
{
	struct fdinfo fi;
	char *path = xasprintf("%s/%d", dir, fd), *text;

	if (read_file(path, 0, &text, NULL)) {
		free(path);
		return;		/* closed meanwhile */
	}
	free(path);
	if (fdinfo_parse(text, &fi)) {
		if (fi.is_dmabuf && fi.has_ino)
			add_fd_holder(p, &fi, fd);
		else if (fi.drm_driver)
			add_drm_client(p, &fi, fd);
	}
	fdinfo_free(&fi);
	free(text);
}

/* False when the process's fds could not be read. */
static bool scan_fds(struct proc_scan *p)
{
	char *dir = proc_file(p, "fdinfo");
	unsigned long long fd;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		free(dir);
		return false;
	}
	while ((de = readdir(d)))
		if (parse_ull(de->d_name, 10, &fd))
			scan_fd(p, dir, fd);
	closedir(d);
	free(dir);
	return true;
}

static void add_map_holder(struct proc_scan *p, const struct maps_entry *m)
{
	struct dbuf *b = state_find(p->s, m->ino);
	struct proc_ref *r;

	if (!b) {
		/* Only the mapping shows it: its name is in the path. */
		b = state_add(p->s, m->ino);
		b->source = "maps";
		if (m->path[8])
			b->name = xstrdup(m->path + 8);
	}
	r = ARRAY_PUSH(b->maps, b->num_maps, b->cap_maps);
	r->pid = p->pid;
	r->comm = xstrdup(p->comm);
	r->fd = -1;
	r->start = m->start;
	r->end = m->end;
	memcpy(r->perms, m->perms, sizeof(r->perms));
	p->holds = true;
}

static bool scan_maps(struct proc_scan *p)
{
	char *path = proc_file(p, "maps"), *text, *line, *next;
	struct maps_entry m;
	int ret;

	ret = read_file(path, 0, &text, NULL);
	free(path);
	if (ret)
		return false;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!maps_parse_line(line, &m))
			continue;
		if (maps_is_dmabuf(&m))
			add_map_holder(p, &m);
		maps_entry_free(&m);
	}
	free(text);
	return true;
}

/* Sleeping in one of these, a thread waits for a fence. */
static bool is_fence_wait(const char *wchan)
{
	return strstr(wchan, "fence") || strstr(wchan, "dma_resv") ||
	       strstr(wchan, "sync_file");
}

static void scan_threads(struct proc_scan *p)
{
	char *dir = proc_file(p, "task"), *path, *wchan;
	unsigned long long tid;
	struct blocked_thread *t;
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		if (!parse_ull(de->d_name, 10, &tid))
			continue;
		path = xasprintf("%s/%s/wchan", dir, de->d_name);
		if (!read_file(path, 0, &wchan, NULL)) {
			wchan[strcspn(wchan, "\n")] = '\0';
			if (is_fence_wait(wchan)) {
				t = ARRAY_PUSH(p->s->blocked, p->s->num_blocked,
					       p->s->cap_blocked);
				t->pid = p->pid;
				t->tid = tid;
				free(path);
				path = xasprintf("%s/%s/comm", dir, de->d_name);
				t->comm = read_comm(path);
				t->wchan = wchan;
				wchan = NULL;
			}
			free(wchan);
		}
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}

static void scan_proc(struct state *s, const struct collect_opts *opts,
		      int pid)
{
	struct proc_scan p = { .s = s, .opts = opts, .pid = pid };
	char *path = proc_file(&p, "comm");
	bool fds_ok, maps_ok;

	p.comm = read_comm(path);
	free(path);
	fds_ok = scan_fds(&p);
	maps_ok = scan_maps(&p);
	/* A process that ended meanwhile is no loss. */
	path = xasprintf("%s/proc/%d", opts->root, pid);
	if (!access(path, F_OK)) {
		s->procs_seen++;
		if (!fds_ok || !maps_ok)
			s->procs_denied++;
	}
	free(path);
	if (p.holds)
		scan_threads(&p);
	free(p.comm);
}

void collect_procs(struct state *s, const struct collect_opts *opts)
{
	char *dir = root_path(opts, "/proc");
	unsigned long long pid;
	struct dirent *de;
	DIR *d = opendir(dir);

	free(dir);
	if (!d) {
		state_note(s, "/proc: %s: no process can be seen", strerror(errno));
		return;
	}
	while ((de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]) &&
		    parse_ull(de->d_name, 10, &pid))
			scan_proc(s, opts, pid);
	closedir(d);
}
