// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "evloop.h"
#include "unit.h"

/* epoll_ctl as the registry sees it: the last call, or a refusal. */
static struct {
	int op, fd, fail;
	struct epoll_event ev;
	int dels;
} k;

static int fake_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	(void)epfd;
	if (k.fail) {
		errno = k.fail;
		return -1;
	}
	k.op = op;
	k.fd = fd;
	k.dels += op == EPOLL_CTL_DEL;
	if (ev)
		k.ev = *ev;
	return 0;
}

/* What the handlers did, in order; each arg is a struct who. */
static char calls[32];

struct who {
	char name;
	struct rg_evloop *l;
	struct rg_evloop_fd **victim;	/* removed by this handler */
	struct rg_evloop_fd **added;	/* then added on the victim's fd */
};

static void handler(void *arg)
{
	struct who *w = arg;
	static struct who newcomer = { .name = 'n' };
	int fd;

	calls[strlen(calls)] = w->name;
	if (w->victim && *w->victim) {
		fd = (*w->victim)->fd;
		rg_evloop_del(w->l, *w->victim);
		*w->victim = NULL;
		if (w->added)
			*w->added = rg_evloop_add(w->l, fd, EPOLLIN, handler, &newcomer);
	}
}

static struct epoll_event event_of(const struct rg_evloop_fd *e)
{
	struct epoll_event ev = { .events = EPOLLIN };

	ev.data.ptr = (void *)e;
	return ev;
}

static void setup(struct rg_evloop *l)
{
	memset(&k, 0, sizeof(k));
	memset(calls, 0, sizeof(calls));
	rg_evloop_init(l, fake_ctl);
	l->epfd = 3;
}

/* a and b on fds 10 and 11, then one batch: a's event, b's. */
static void batch_of_two(struct rg_evloop *l, struct who *a, struct who *b,
			 struct rg_evloop_fd **ea, struct rg_evloop_fd **eb)
{
	struct epoll_event evs[2];

	a->l = l;
	*ea = rg_evloop_add(l, 10, EPOLLIN, handler, a);
	*eb = rg_evloop_add(l, 11, EPOLLIN, handler, b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*ea);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*eb);
	evs[0] = event_of(*ea);
	evs[1] = event_of(*eb);
	rg_evloop_dispatch(l, evs, 2);
}

/* The kernel is given the entry itself; events come back to its handler. */
static void test_add_dispatch_in_order(void)
{
	struct who a = { .name = 'a' }, b = { .name = 'b' }, c = { .name = 'c' };
	struct rg_evloop_fd *ea, *eb, *ec;
	struct epoll_event evs[3];
	struct rg_evloop l;

	setup(&l);
	ea = rg_evloop_add(&l, 10, EPOLLIN, handler, &a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ea);
	CU_ASSERT_EQUAL(k.op, EPOLL_CTL_ADD);
	CU_ASSERT_EQUAL(k.fd, 10);
	CU_ASSERT_EQUAL(k.ev.events, EPOLLIN);
	CU_ASSERT_PTR_EQUAL(k.ev.data.ptr, ea);
	eb = rg_evloop_add(&l, 11, EPOLLIN | EPOLLOUT, handler, &b);
	CU_ASSERT_EQUAL(k.ev.events, EPOLLIN | EPOLLOUT);
	ec = rg_evloop_add(&l, 12, EPOLLIN, handler, &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ec);
	/* The order epoll gave, not the order of registration. */
	evs[0] = event_of(ec);
	evs[1] = event_of(ea);
	evs[2] = event_of(eb);
	rg_evloop_dispatch(&l, evs, 3);
	CU_ASSERT_STRING_EQUAL(calls, "cab");
	rg_evloop_dispatch(&l, evs, 0);
	CU_ASSERT_STRING_EQUAL(calls, "cab");
	rg_evloop_free(&l);
}

/* A handler closes another entry whose event came in the same batch. */
static void test_removed_in_batch_skipped(void)
{
	struct who a = { .name = 'a' }, b = { .name = 'b' };
	struct rg_evloop_fd *ea, *eb;
	struct rg_evloop l;

	setup(&l);
	a.victim = &eb;
	batch_of_two(&l, &a, &b, &ea, &eb);
	CU_ASSERT_STRING_EQUAL(calls, "a");
	CU_ASSERT_EQUAL(k.op, EPOLL_CTL_DEL);
	CU_ASSERT_EQUAL(k.fd, 11);
	CU_ASSERT_PTR_NULL(eb);
	CU_ASSERT_PTR_NULL(l.removed);		/* freed once the batch ended */
	rg_evloop_free(&l);
}

/* The removed fd's number is taken at once by a new entry (accept()
 * after close()): the stale event reaches neither, the next one the new. */
static void test_fd_reused_in_batch(void)
{
	struct who a = { .name = 'a' }, b = { .name = 'b' };
	struct rg_evloop_fd *ea, *eb, *en = NULL;
	struct epoll_event ev;
	struct rg_evloop l;

	setup(&l);
	a.victim = &eb;
	a.added = &en;
	batch_of_two(&l, &a, &b, &ea, &eb);
	CU_ASSERT_STRING_EQUAL(calls, "a");
	CU_ASSERT_PTR_NULL(eb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(en);
	CU_ASSERT_EQUAL(en->fd, 11);
	ev = event_of(en);
	rg_evloop_dispatch(&l, &ev, 1);
	CU_ASSERT_STRING_EQUAL(calls, "an");
	rg_evloop_free(&l);
}

/* A handler that closes its own fd; its entry outlives the call. */
static void test_removes_itself(void)
{
	struct who a = { .name = 'a' }, b = { .name = 'b' };
	struct rg_evloop_fd *ea, *eb;
	struct rg_evloop l;

	setup(&l);
	a.victim = &ea;
	batch_of_two(&l, &a, &b, &ea, &eb);
	CU_ASSERT_STRING_EQUAL(calls, "ab");
	CU_ASSERT_PTR_NULL(ea);
	CU_ASSERT_PTR_EQUAL(l.live, eb);
	CU_ASSERT_PTR_NULL(eb->next);
	CU_ASSERT_PTR_NULL(eb->prev);
	rg_evloop_free(&l);
}

/* Outside a batch an entry is freed at once (the sanitizers see a leak
 * otherwise), from the head, the middle or the tail of the list. */
static void test_del_outside_batch(void)
{
	struct who a = { .name = 'a' };
	struct rg_evloop_fd *e[4];
	struct rg_evloop l;
	int i;

	setup(&l);
	for (i = 0; i < 4; i++)
		e[i] = rg_evloop_add(&l, 20 + i, EPOLLIN, handler, &a);
	rg_evloop_del(&l, e[2]);
	CU_ASSERT_EQUAL(k.op, EPOLL_CTL_DEL);
	CU_ASSERT_EQUAL(k.fd, 22);
	rg_evloop_del(&l, e[3]);
	rg_evloop_del(&l, e[0]);
	CU_ASSERT_EQUAL(k.dels, 3);
	CU_ASSERT_PTR_EQUAL(l.live, e[1]);
	CU_ASSERT_PTR_NULL(l.removed);
	rg_evloop_del(&l, e[1]);
	CU_ASSERT_PTR_NULL(l.live);
	rg_evloop_free(&l);
}

/* A refused add leaves nothing behind and says why. */
static void test_add_refused(void)
{
	struct who a = { .name = 'a' };
	struct rg_evloop l;

	setup(&l);
	k.fail = EEXIST;
	errno = 0;
	CU_ASSERT_PTR_NULL(rg_evloop_add(&l, 10, EPOLLIN, handler, &a));
	CU_ASSERT_EQUAL(errno, EEXIST);
	CU_ASSERT_PTR_NULL(l.live);
	rg_evloop_free(&l);
}

/* A change of events keeps the entry the kernel points at. */
static void test_mod(void)
{
	struct who a = { .name = 'a' };
	struct rg_evloop_fd *e;
	struct rg_evloop l;

	setup(&l);
	e = rg_evloop_add(&l, 10, EPOLLIN, handler, &a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(rg_evloop_mod(&l, e, EPOLLOUT), 0);
	CU_ASSERT_EQUAL(k.op, EPOLL_CTL_MOD);
	CU_ASSERT_EQUAL(k.fd, 10);
	CU_ASSERT_EQUAL(k.ev.events, EPOLLOUT);
	CU_ASSERT_PTR_EQUAL(k.ev.data.ptr, e);
	k.fail = ENOENT;
	CU_ASSERT_EQUAL(rg_evloop_mod(&l, e, 0), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	rg_evloop_free(&l);
	CU_ASSERT_PTR_NULL(l.live);
}

int register_evloop_tests(void)
{
	static const struct unit_test tests[] = {
		{ "add, dispatch in epoll's order", test_add_dispatch_in_order },
		{ "removed in the batch: skipped", test_removed_in_batch_skipped },
		{ "fd reused in the batch", test_fd_reused_in_batch },
		{ "handler removes itself", test_removes_itself },
		{ "del outside a batch", test_del_outside_batch },
		{ "add refused", test_add_refused },
		{ "mod", test_mod },
		{ NULL, NULL },
	};

	return unit_add_suite("evloop", tests);
}
