// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bench's load generator and probes (tests/bench/bench.sh). Every mode
 * is bounded in count and in time, and sends only to the address it is
 * given, which the bench keeps inside its own network namespaces.
 *
 *   loadgen sink    --listen IP:PORT [--idle S] [--max-s S] [--tell-peer] [--ready-file F]
 *       accepts every connection, waits for the client's FIN and closes
 *       with its own; --tell-peer instead writes the peer address it saw
 *       ("IP:PORT\n") and closes at once. Prints {"accepted":N}.
 *   loadgen discard --listen IP:PORT [--idle S] [--max-s S] [--ready-file F]
 *       reads each connection to EOF and throws the bytes away.
 *   loadgen rate    --connect IP:PORT --count N [--concurrency C] [--timeout S]
 *       N connections, C at a time, each SYN/SYN-ACK/ACK, then our FIN and
 *       the server's: a full open and close. Prints connections/s.
 *   loadgen lat     --connect IP:PORT --count N [--gap-us G] [--timeout S]
 *       N sequential connections; the time connect() takes (SYN to SYN-ACK),
 *       as p50/p90/p99/max in microseconds.
 *   loadgen bulk    --connect IP:PORT --seconds S
 *       one connection, writes for S seconds, then shutdown and wait for the
 *       peer's close: bytes/s actually delivered.
 *   loadgen retry   --connect IP:PORT [--bind IP] [--interval-us I] [--max-ms M]
 *       connects every I us until the server (sink --tell-peer) reports our
 *       own address and port: the time from the first attempt to that clean
 *       connection.
 *   loadgen udp     --src IP --dst IP:PORT --count N [--srcs K] [--pps R]
 *       N UDP datagrams from a raw socket, each from its own (source address,
 *       source port): K addresses from IP upward, ports 1024-65023.
 *   loadgen qdrain  --pid P --queue N --netns PATH --src IP --dst IP:PORT
 *                   --count N --cycles K [--srcs K] [--timeout S]
 *       the queue drain probe (see mode_qdrain): K times, stop handler P,
 *       fill queue N with --count new UDP flows, resume it and time until
 *       the queue (read in the namespace PATH) is empty; also the handler's
 *       CPU time. Prints packets per wall second and per CPU second.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* ---- options ---- */

struct opts {
	const char *listen, *connect, *bind, *src, *dst, *ready, *netns;
	unsigned long count, concurrency, gap_us, interval_us, max_ms, srcs,
		pps, pid, queue, cycles;
	double idle, max_s, timeout, seconds;
	bool tell_peer;
};

static unsigned long unum(const char *flag, const char *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v ? v : "", &end, 10);
	if (!v || !*v || *end || errno) {
		fprintf(stderr, "loadgen: bad value for %s\n", flag);
		exit(2);
	}
	return n;
}

static double dnum(const char *flag, const char *v)
{
	char *end;
	double d;

	d = strtod(v ? v : "", &end);
	if (!v || !*v || *end || d < 0) {
		fprintf(stderr, "loadgen: bad value for %s\n", flag);
		exit(2);
	}
	return d;
}

static void parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->count = 1000;
	o->concurrency = 64;
	o->interval_us = 1000;
	o->max_ms = 2000;
	o->srcs = 1;
	o->idle = 5;
	o->max_s = 120;
	o->timeout = 60;
	o->seconds = 3;
	o->cycles = 1;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--tell-peer")) {
			o->tell_peer = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "loadgen: %s needs a value\n", a);
			exit(2);
		}
		i++;
		if (!strcmp(a, "--listen")) o->listen = v;
		else if (!strcmp(a, "--connect")) o->connect = v;
		else if (!strcmp(a, "--bind")) o->bind = v;
		else if (!strcmp(a, "--src")) o->src = v;
		else if (!strcmp(a, "--dst")) o->dst = v;
		else if (!strcmp(a, "--ready-file")) o->ready = v;
		else if (!strcmp(a, "--netns")) o->netns = v;
		else if (!strcmp(a, "--cycles")) o->cycles = unum(a, v);
		else if (!strcmp(a, "--count")) o->count = unum(a, v);
		else if (!strcmp(a, "--concurrency")) o->concurrency = unum(a, v);
		else if (!strcmp(a, "--gap-us")) o->gap_us = unum(a, v);
		else if (!strcmp(a, "--interval-us")) o->interval_us = unum(a, v);
		else if (!strcmp(a, "--max-ms")) o->max_ms = unum(a, v);
		else if (!strcmp(a, "--srcs")) o->srcs = unum(a, v);
		else if (!strcmp(a, "--pps")) o->pps = unum(a, v);
		else if (!strcmp(a, "--pid")) o->pid = unum(a, v);
		else if (!strcmp(a, "--queue")) o->queue = unum(a, v);
		else if (!strcmp(a, "--idle")) o->idle = dnum(a, v);
		else if (!strcmp(a, "--max-s")) o->max_s = dnum(a, v);
		else if (!strcmp(a, "--timeout")) o->timeout = dnum(a, v);
		else if (!strcmp(a, "--seconds")) o->seconds = dnum(a, v);
		else {
			fprintf(stderr, "loadgen: unknown option %s\n", a);
			exit(2);
		}
	}
	/* Hard bounds, whatever the caller asked. */
	if (o->count > 10000000 || o->concurrency < 1 || o->concurrency > 4096 ||
	    o->max_s > 1800 || o->timeout > 600 || o->seconds > 60 ||
	    o->max_ms > 60000 || o->srcs < 1 || o->srcs > 256 || o->cycles > 10000) {
		fprintf(stderr, "loadgen: a value is out of the bench's bounds\n");
		exit(2);
	}
}

static void endpoint(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = s ? strrchr(s, ':') : NULL;
	size_t n;

	if (!colon || (n = (size_t)(colon - s)) >= sizeof(host)) {
		fprintf(stderr, "loadgen: bad endpoint '%s' (IPv4:PORT)\n", s ? s : "");
		exit(2);
	}
	memcpy(host, s, n);
	host[n] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)unum("port", colon + 1));
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		fprintf(stderr, "loadgen: bad address '%s'\n", host);
		exit(2);
	}
}

static void touch(const char *path)
{
	FILE *f;

	if (path && (f = fopen(path, "w")))
		fclose(f);
}

static void signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int listener(const struct opts *o)
{
	struct sockaddr_in sa;
	int one = 1, fd;

	endpoint(o->listen, &sa);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	if (listen(fd, 4096) < 0)
		die("listen");
	touch(o->ready);
	return fd;
}

/* Waits for the listener, up to the idle time; false when idle or stopped. */
static bool wait_accept(int fd, const struct opts *o, double t0)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ms = (int)(o->idle * 1000);

	if (stop || now_s() - t0 > o->max_s)
		return false;
	return poll(&p, 1, ms) > 0;
}

/* ---- servers ---- */

static void tell_peer(int c, const struct sockaddr_in *peer)
{
	char line[64], a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &peer->sin_addr, a, sizeof(a));
	snprintf(line, sizeof(line), "%s:%u\n", a, ntohs(peer->sin_port));
	if (write(c, line, strlen(line)) < 0)
		(void)0;
}

/*
 * Without --tell-peer the client closes first: each connection is read to
 * its EOF (the client's FIN) and then closed (ours), so the TIME_WAIT stays
 * with the client, as with a real one, and never meets a reused tuple here.
 */
static int mode_sink(const struct opts *o)
{
	int fd = listener(o), ep = epoll_create1(EPOLL_CLOEXEC), c, n, i;
	struct epoll_event ev = { .events = EPOLLIN }, evs[256];
	unsigned long accepted = 0;
	double t0 = now_s(), last = t0;

	if (ep < 0)
		die("epoll");
	ev.data.fd = fd;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	while (!stop && now_s() - t0 < o->max_s && now_s() - last < o->idle) {
		n = epoll_wait(ep, evs, 256, 100);
		for (i = 0; i < n; i++) {
			struct sockaddr_in peer;
			socklen_t len = sizeof(peer);
			char buf[512];

			last = now_s();
			if (evs[i].data.fd != fd) {
				c = evs[i].data.fd;
				if (read(c, buf, sizeof(buf)) > 0)
					continue;
				close(c);	/* EOF or error: our FIN */
				continue;
			}
			while ((c = accept4(fd, (struct sockaddr *)&peer, &len,
					    SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
				accepted++;
				len = sizeof(peer);
				if (o->tell_peer) {
					tell_peer(c, &peer);
					close(c);
					continue;
				}
				ev.events = EPOLLIN | EPOLLRDHUP;
				ev.data.fd = c;
				if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) < 0)
					close(c);
			}
		}
	}
	printf("{\"accepted\":%lu}\n", accepted);
	return 0;
}

static int mode_discard(const struct opts *o)
{
	static char buf[1 << 18];
	int fd = listener(o), c;
	unsigned long long bytes = 0;
	double t0 = now_s();

	while (wait_accept(fd, o, t0)) {
		ssize_t n;

		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		while (!stop && now_s() - t0 < o->max_s &&
		       (n = read(c, buf, sizeof(buf))) > 0)
			bytes += (unsigned long long)n;
		close(c);
	}
	printf("{\"bytes\":%llu}\n", bytes);
	return 0;
}

/* ---- clients ---- */

struct conn {
	int fd;
	bool connected;
};

static int start_conn(const struct sockaddr_in *sa, int ep)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct epoll_event ev = { .events = EPOLLOUT };

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	ev.data.fd = fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int mode_rate(const struct opts *o)
{
	struct sockaddr_in sa;
	struct epoll_event evs[256];
	unsigned long attempted = 0, completed = 0, failed = 0, inflight = 0;
	bool *connected;
	double t0, t_last;
	int ep, n, i;

	endpoint(o->connect, &sa);
	connected = calloc(1 << 20, sizeof(*connected));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!connected || ep < 0)
		die("setup");
	t0 = t_last = now_s();
	while (!stop && (attempted < o->count || inflight) &&
	       now_s() - t0 < o->timeout) {
		while (attempted < o->count && inflight < o->concurrency) {
			int fd = start_conn(&sa, ep);

			attempted++;
			if (fd < 0 || fd >= (1 << 20)) {
				if (fd >= 0)
					close(fd);
				failed++;
				continue;
			}
			connected[fd] = false;
			inflight++;
		}
		n = epoll_wait(ep, evs, 256, 100);
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd, err = 0;
			socklen_t len = sizeof(err);
			char b[64];
			ssize_t r;

			if (!connected[fd]) {
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					failed++;
					goto done;
				}
				connected[fd] = true;
				/* Our FIN first; the server answers with its own. */
				shutdown(fd, SHUT_WR);
				evs[i].events = EPOLLIN | EPOLLRDHUP;
				epoll_ctl(ep, EPOLL_CTL_MOD, fd, &evs[i]);
				continue;
			}
			/* The server's FIN: the connection is over. */
			r = read(fd, b, sizeof(b));
			if (r > 0)
				continue;
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r == 0)
				completed++;
			else
				failed++;
done:
			epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
			inflight--;
			t_last = now_s();
		}
	}
	printf("{\"attempted\":%lu,\"completed\":%lu,\"failed\":%lu,\"unfinished\":%lu,"
	       "\"elapsed_s\":%.4f,\"rate\":%.1f}\n",
	       attempted, completed, failed, inflight, t_last - t0,
	       t_last > t0 ? (double)completed / (t_last - t0) : 0.0);
	return completed == o->count ? 0 : 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return (double)v[i] / 1000.0;
}

static void set_timeouts(int fd, double s)
{
	struct timeval tv = { .tv_sec = (time_t)s,
			      .tv_usec = (suseconds_t)((s - (double)(time_t)s) * 1e6) };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int mode_lat(const struct opts *o)
{
	struct sockaddr_in sa;
	uint64_t *v = calloc(o->count ? o->count : 1, sizeof(*v));
	size_t n = 0;
	unsigned long failed = 0, i;
	double t0 = now_s(), sum = 0;

	endpoint(o->connect, &sa);
	if (!v)
		die("calloc");
	for (i = 0; i < o->count && !stop && now_s() - t0 < o->timeout; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		uint64_t a, b;
		char buf[64];

		if (fd < 0)
			die("socket");
		set_timeouts(fd, 2.0);
		a = now_ns();
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			failed++;
			close(fd);
			continue;
		}
		b = now_ns();
		v[n++] = b - a;
		sum += (double)(b - a);
		shutdown(fd, SHUT_WR);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
		if (o->gap_us)
			usleep((useconds_t)o->gap_us);
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	printf("{\"samples\":%zu,\"failed\":%lu,\"p50_us\":%.1f,\"p90_us\":%.1f,"
	       "\"p99_us\":%.1f,\"max_us\":%.1f,\"mean_us\":%.1f}\n",
	       n, failed, pct(v, n, 0.50), pct(v, n, 0.90), pct(v, n, 0.99),
	       pct(v, n, 1.0), n ? sum / (double)n / 1000.0 : 0.0);
	free(v);
	return failed ? 1 : 0;
}

static int mode_bulk(const struct opts *o)
{
	static char buf[1 << 18];
	struct sockaddr_in sa;
	unsigned long long bytes = 0;
	double t0, t_end, t1;
	int fd;

	endpoint(o->connect, &sa);
	memset(buf, 'x', sizeof(buf));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	set_timeouts(fd, 5.0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	t0 = now_s();
	t_end = t0 + o->seconds;
	while (!stop && now_s() < t_end) {
		ssize_t n = write(fd, buf, sizeof(buf));

		if (n < 0)
			die("write");
		bytes += (unsigned long long)n;
	}
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	t1 = now_s();
	close(fd);
	printf("{\"bytes\":%llu,\"elapsed_s\":%.4f,\"gbit_s\":%.3f}\n", bytes,
	       t1 - t0, (double)bytes * 8 / (t1 - t0) / 1e9);
	return 0;
}

static int mode_retry(const struct opts *o)
{
	struct sockaddr_in sa, me, local;
	uint64_t first = 0, clean = 0, deadline;
	unsigned long attempts = 0, failed = 0;

	endpoint(o->connect, &sa);
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	if (o->bind && inet_pton(AF_INET, o->bind, &me.sin_addr) != 1) {
		fprintf(stderr, "loadgen: bad --bind\n");
		return 2;
	}
	first = now_ns();
	deadline = first + o->max_ms * 1000000ull;
	while (!stop && now_ns() < deadline) {
		uint64_t started = now_ns();
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		socklen_t len = sizeof(local);
		char buf[80], mine[80], a[INET_ADDRSTRLEN];
		ssize_t n, got = 0;

		if (fd < 0)
			die("socket");
		/* Past one SYN retransmission (1 s): a first SYN dropped while
		 * its pair is exempted is the same connection, not a failure. */
		set_timeouts(fd, 2.5);
		attempts++;
		if ((o->bind && bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			failed++;
			close(fd);
			goto next;
		}
		getsockname(fd, (struct sockaddr *)&local, &len);
		while (got < (ssize_t)sizeof(buf) - 1 &&
		       (n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
			got += n;
		buf[got] = '\0';
		close(fd);
		inet_ntop(AF_INET, &local.sin_addr, a, sizeof(a));
		snprintf(mine, sizeof(mine), "%s:%u\n", a, ntohs(local.sin_port));
		if (!strcmp(buf, mine)) {
			clean = now_ns();
			break;
		}
next:
		while (now_ns() < started + o->interval_us * 1000ull)
			usleep(50);
	}
	if (clean)
		printf("{\"attempts\":%lu,\"failed\":%lu,\"clean\":true,\"ms\":%.3f}\n",
		       attempts, failed, (double)(clean - first) / 1e6);
	else
		printf("{\"attempts\":%lu,\"failed\":%lu,\"clean\":false}\n",
		       attempts, failed);
	return clean ? 0 : 1;
}

/* ---- raw UDP ---- */

static uint16_t csum(const void *p, size_t len)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; len > 1; len -= 2)
		s += *w++;
	if (len)
		s += *(const uint8_t *)w;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#define BATCH 64
#define PORTS 64000u

struct rawpkt {
	struct iphdr ip;
	struct udphdr udp;
	char data[4];
};

static int mode_udp(const struct opts *o)
{
	struct rawpkt pk[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr mm[BATCH];
	struct sockaddr_in dst;
	struct in_addr src;
	unsigned long sent = 0, i;
	double t0;
	int fd;

	endpoint(o->dst, &dst);
	if (!o->src || inet_pton(AF_INET, o->src, &src) != 1) {
		fprintf(stderr, "loadgen: bad --src\n");
		return 2;
	}
	if (o->count > o->srcs * PORTS) {
		fprintf(stderr, "loadgen: --count %lu needs more than --srcs %lu addresses\n",
			o->count, o->srcs);
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		die("raw socket");
	memset(pk, 0, sizeof(pk));
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < BATCH; i++) {
		pk[i].ip.version = 4;
		pk[i].ip.ihl = 5;
		pk[i].ip.ttl = 64;
		pk[i].ip.protocol = IPPROTO_UDP;
		pk[i].ip.tot_len = htons(sizeof(pk[i]));
		pk[i].ip.daddr = dst.sin_addr.s_addr;
		pk[i].udp.dest = dst.sin_port;
		pk[i].udp.len = htons(sizeof(pk[i].udp) + sizeof(pk[i].data));
		memcpy(pk[i].data, "rgbn", 4);
		iov[i].iov_base = &pk[i];
		iov[i].iov_len = sizeof(pk[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &dst;
		mm[i].msg_hdr.msg_namelen = sizeof(dst);
	}
	t0 = now_s();
	while (sent < o->count && !stop && now_s() - t0 < o->timeout) {
		unsigned int k = 0, done = 0;
		int r;

		for (; k < BATCH && sent + k < o->count; k++) {
			unsigned long n = sent + k;

			pk[k].ip.saddr = htonl(ntohl(src.s_addr) + (uint32_t)(n / PORTS));
			pk[k].ip.id = htons((uint16_t)n);
			pk[k].ip.check = 0;
			pk[k].ip.check = csum(&pk[k].ip, sizeof(pk[k].ip));
			pk[k].udp.source = htons((uint16_t)(1024 + n % PORTS));
		}
		while (done < k) {
			r = sendmmsg(fd, mm + done, k - done, 0);
			if (r < 0) {
				if (errno == ENOBUFS || errno == EAGAIN) {
					usleep(100);
					continue;
				}
				die("sendmmsg");
			}
			done += (unsigned int)r;
		}
		sent += k;
		if (o->pps) {
			double due = t0 + (double)sent / (double)o->pps;

			while (now_s() < due)
				usleep(50);
		}
	}
	t0 = now_s() - t0;
	printf("{\"sent\":%lu,\"elapsed_s\":%.4f,\"pps\":%.0f}\n", sent, t0,
	       t0 > 0 ? (double)sent / t0 : 0.0);
	return sent == o->count ? 0 : 1;
}

/* ---- queue drain ---- */

/* Length of queue q now, -1 when it is not bound. */
static long queue_total(FILE *f, unsigned long q)
{
	char line[256];
	long total = -1;

	rewind(f);
	fflush(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long num, portid, tot;

		if (sscanf(line, "%lu %lu %lu", &num, &portid, &tot) == 3 && num == q) {
			total = (long)tot;
			break;
		}
	}
	return total;
}

/* The state letter of a process (R, S, T...), '?' when gone. */
static char proc_state(unsigned long pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%lu/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Nanoseconds the process has run (its threads' sum), from schedstat. */
static uint64_t runtime_ns(unsigned long pid)
{
	char path[64];
	unsigned long long ns = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%lu/schedstat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns;
}

static bool wait_state(unsigned long pid, const char *states, double timeout)
{
	double t0 = now_s();

	while (now_s() - t0 < timeout) {
		if (strchr(states, proc_state(pid)))
			return true;
		usleep(100);
	}
	return false;
}

/*
 * The queue drain probe, run in the sender's namespace (the raw socket is
 * opened there) with --netns naming the firewall's, where the queue is read.
 * Each cycle: stop the handler, queue --count datagrams of new flows (fewer
 * than the queue socket holds, so nothing overruns), resume it and time
 * until the queue is empty; the handler's own CPU time comes from its
 * schedstat, read once it sleeps again.
 */
static int mode_qdrain(const struct opts *o, const char *netns)
{
	struct sockaddr_in dst;
	struct in_addr src;
	struct rawpkt pk;
	unsigned long c, i, total = 0, short_fill = 0;
	double wall = 0;
	uint64_t cpu = 0;
	FILE *qf;
	int fd, nsfd;

	endpoint(o->dst, &dst);
	if (!o->pid || !netns || !o->src || inet_pton(AF_INET, o->src, &src) != 1 ||
	    o->cycles * o->count > o->srcs * PORTS || o->count > 4096) {
		fprintf(stderr, "loadgen: qdrain needs --pid, --netns, --src, --dst, and cycles*count within srcs*64000, count <= 4096\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		die("raw socket");
	nsfd = open(netns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0)
		die(netns);
	close(nsfd);
	qf = fopen("/proc/net/netfilter/nfnetlink_queue", "r");
	if (!qf)
		die("/proc/net/netfilter/nfnetlink_queue");
	memset(&pk, 0, sizeof(pk));
	pk.ip.version = 4;
	pk.ip.ihl = 5;
	pk.ip.ttl = 64;
	pk.ip.protocol = IPPROTO_UDP;
	pk.ip.tot_len = htons(sizeof(pk));
	pk.ip.daddr = dst.sin_addr.s_addr;
	pk.udp.dest = dst.sin_port;
	pk.udp.len = htons(sizeof(pk.udp) + sizeof(pk.data));
	memcpy(pk.data, "rgbn", 4);
	for (c = 0; c < o->cycles && !stop; c++) {
		long queued, prev, left;
		double t0, t1, settle;
		uint64_t r0, r1;

		kill((pid_t)o->pid, SIGSTOP);
		if (!wait_state(o->pid, "T", 2.0))
			die("handler does not stop");
		for (i = 0; i < o->count; i++) {
			unsigned long n = c * o->count + i;

			pk.ip.saddr = htonl(ntohl(src.s_addr) + (uint32_t)(n / PORTS));
			pk.ip.id = htons((uint16_t)n);
			pk.ip.check = 0;
			pk.ip.check = csum(&pk.ip, sizeof(pk.ip));
			pk.udp.source = htons((uint16_t)(1024 + n % PORTS));
			if (sendto(fd, &pk, sizeof(pk), 0, (struct sockaddr *)&dst,
				   sizeof(dst)) < 0)
				die("sendto");
		}
		/* The packets cross veths in softirq: wait until the count settles. */
		prev = -1;
		settle = now_s();
		while ((queued = queue_total(qf, o->queue)) != prev ||
		       now_s() - settle < 0.005) {
			if (queued != prev)
				settle = now_s();
			prev = queued;
			if (now_s() - settle > 2.0)
				break;
			usleep(200);
		}
		if (queued < (long)o->count)
			short_fill++;
		if (queued <= 0) {
			kill((pid_t)o->pid, SIGCONT);
			continue;
		}
		r0 = runtime_ns(o->pid);
		t0 = now_s();
		kill((pid_t)o->pid, SIGCONT);
		do {
			usleep(20);
			left = queue_total(qf, o->queue);
			t1 = now_s();
		} while (left > 0 && t1 - t0 < o->timeout);
		/* Work after the last verdict (reflguard classifies after it). */
		wait_state(o->pid, "S", 5.0);
		usleep(2000);
		wait_state(o->pid, "S", 5.0);
		r1 = runtime_ns(o->pid);
		if (left > 0)
			die("queue did not drain in time");
		total += (unsigned long)queued;
		wall += t1 - t0;
		cpu += r1 - r0;
	}
	printf("{\"cycles\":%lu,\"packets\":%lu,\"short_fills\":%lu,\"wall_s\":%.5f,"
	       "\"cpu_s\":%.5f,\"pps_wall\":%.0f,\"pps_cpu\":%.0f,\"cpu_us_per_pkt\":%.3f}\n",
	       c, total, short_fill, wall, (double)cpu / 1e9,
	       wall > 0 ? (double)total / wall : 0.0,
	       cpu ? (double)total / ((double)cpu / 1e9) : 0.0,
	       total ? (double)cpu / 1e3 / (double)total : 0.0);
	fclose(qf);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	const char *m = argc > 1 ? argv[1] : "";

	parse(argc, argv, &o);
	signals();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(m, "sink") && o.listen)
		return mode_sink(&o);
	if (!strcmp(m, "discard") && o.listen)
		return mode_discard(&o);
	if (!strcmp(m, "rate") && o.connect)
		return mode_rate(&o);
	if (!strcmp(m, "lat") && o.connect)
		return mode_lat(&o);
	if (!strcmp(m, "bulk") && o.connect)
		return mode_bulk(&o);
	if (!strcmp(m, "retry") && o.connect)
		return mode_retry(&o);
	if (!strcmp(m, "udp") && o.dst)
		return mode_udp(&o);
	if (!strcmp(m, "qdrain"))
		return mode_qdrain(&o, o.netns);
	fprintf(stderr, "usage: loadgen sink|discard|rate|lat|bulk|retry|udp|qdrain [options]"
		" (see the comment at the top of tests/bench/loadgen.c)\n");
	return 2;
}
