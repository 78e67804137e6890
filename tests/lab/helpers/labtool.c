// SPDX-License-Identifier: MIT
/* labtool: the lab guest's multi-call helper (built static, copied into the initramfs).
 *
 * It causes the events the guest suite checks and prints the ground truth for them, so
 * the checks compare what a probe reported with what the test itself did:
 *   labtool fork              fork a child that exits at once; print "PARENT CHILD" pids
 *   labtool open PATH         openat(AT_FDCWD, PATH) (relative path -> dfd == -100); print pid
 *   labtool udp PORT [N]      send N (default 1) UDP datagrams to 127.0.0.1:PORT; print pid
 *   labtool udp6 PORT         send "lab" to [::1]:PORT with MSG_DONTWAIT|MSG_NOSIGNAL; print pid
 *   labtool mmap LEN PGOFF    mmap(NULL, LEN, PROT_READ, MAP_PRIVATE, fd, PGOFF pages) of
 *                             its own executable (do_mmap's eight arguments are then known:
 *                             %0 that file, %1 0, %2 LEN, %3 1, %4 2, %5 PGOFF); print pid
 *   labtool select USEC       select() with a timeout of USEC microseconds (the kernel adds
 *                             it to the current time with timespec64_add_safe, a function
 *                             taking two structs by value); print pid
 *   labtool callsite FN CALLEE  print the offset in FN just after its first direct call to
 *                             CALLEE (the return address, where %ax / x0 holds CALLEE's
 *                             result), found in the live kernel text via /proc/kallsyms +
 *                             /proc/kcore (x86_64: E8 rel32; arm64: BL imm26)
 *   labtool exit CODE         leave QEMU through isa-debug-exit (port 0xf4, x86_64), else
 *                             power off (arm64: PSCI SYSTEM_OFF ends QEMU)
 *   labtool sigdfl CMD ARGS   exec CMD with SIGINT/SIGQUIT back to default: a shell without
 *                             job control starts background commands with them ignored
 *
 * The task name (comm) of every event is the name this binary was started under, so the
 * suite copies it to names such as lab_fork and filters on them.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/select.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <sys/io.h>
#endif
#include <signal.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int do_fork(void)
{
	pid_t c = fork();

	if (c < 0)
		return perror("fork"), 1;
	if (c == 0)
		_exit(0);
	printf("%d %d\n", (int)getpid(), (int)c);
	fflush(stdout);
	waitpid(c, NULL, 0);
	return 0;
}

static int do_open(const char *path)
{
	int fd;

	printf("%d\n", (int)getpid());
	fflush(stdout);
	/* A missing file is fine: the probes see the attempt and the error. */
	fd = openat(AT_FDCWD, path, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int do_select(long usec)
{
	struct timeval tv = { 0, usec };

	printf("%d\n", (int)getpid());
	fflush(stdout);
	return select(0, NULL, NULL, NULL, &tv) < 0;
}

static int do_udp6(int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int s = socket(AF_INET6, SOCK_DGRAM, 0);

	if (s < 0)
		return perror("socket"), 1;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (sendto(s, "lab", 3, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&a, sizeof(a)) < 0)
		perror("sendto");
	close(s);
	return 0;
}

static int do_mmap(size_t len, long pgoff)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	void *p;

	if (fd < 0)
		return perror("/proc/self/exe"), 1;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, (off_t)pgoff * sysconf(_SC_PAGESIZE));
	if (p == MAP_FAILED)
		return perror("mmap"), 1;
	munmap(p, len);
	close(fd);
	return 0;
}

static int do_udp(int port, int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0)
		return perror("socket"), 1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	printf("%d\n", (int)getpid());
	fflush(stdout);
	for (int i = 0; i < n; i++)
		if (sendto(s, "lab", 3, 0, (struct sockaddr *)&a, sizeof(a)) < 0)
			perror("sendto");
	close(s);
	return 0;
}

/* Address of a text symbol from /proc/kallsyms (0 when absent or hidden). */
static uint64_t ksym(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a;
	uint64_t r = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3)
			continue;
		if ((type == 't' || type == 'T') && strcmp(sym, name) == 0) {
			r = a;
			break;
		}
	}
	fclose(f);
	return r;
}

/* Reads len bytes of kernel memory at vaddr through /proc/kcore's PT_LOAD segments. */
static int kread(uint64_t vaddr, unsigned char *buf, size_t len)
{
	int fd = open("/proc/kcore", O_RDONLY);
	Elf64_Ehdr eh;
	int rc = -1;

	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		goto out;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * eh.e_phentsize) != sizeof(ph))
			goto out;
		if (ph.p_type != PT_LOAD || vaddr < ph.p_vaddr || vaddr + len > ph.p_vaddr + ph.p_memsz)
			continue;
		if (pread(fd, buf, len, ph.p_offset + (vaddr - ph.p_vaddr)) == (ssize_t)len)
			rc = 0;
		break;
	}
out:
	close(fd);
	return rc;
}

/* x86_64: a direct call is E8 rel32; its target is the next instruction plus rel32. The
 * target must be CALLEE itself: a random E8 byte inside another instruction practically
 * never lands exactly there, and the kernel rejects a probe that is not on an instruction
 * boundary, so a wrong pick shows as a failed check, never as a silent wrong value.
 * arm64: fixed 4-byte instructions; BL is 0x94000000 | imm26, target = pc + imm26 * 4. */
static int do_callsite(const char *fn, const char *callee)
{
	uint64_t f = ksym(fn), c = ksym(callee);
	unsigned char code[1024];

	if (!f || !c)
		return fprintf(stderr, "callsite: %s or %s not in kallsyms\n", fn, callee), 1;
	if (kread(f, code, sizeof(code)) < 0)
		return fprintf(stderr, "callsite: cannot read /proc/kcore: %s\n", strerror(errno)), 1;
#if defined(__aarch64__)
	for (size_t i = 0; i + 4 <= sizeof(code); i += 4) {
		uint32_t insn;
		int64_t imm;

		memcpy(&insn, code + i, 4);
		if ((insn & 0xfc000000u) != 0x94000000u)
			continue;
		imm = (int64_t)(insn & 0x03ffffffu);
		if (imm & 0x02000000)
			imm -= 0x04000000;
		if (f + i + (uint64_t)(imm * 4) == c) {
			printf("%zu\n", i + 4);
			return 0;
		}
	}
#else
	for (size_t i = 0; i + 5 <= sizeof(code); i++) {
		int32_t rel;

		if (code[i] != 0xe8)
			continue;
		memcpy(&rel, code + i + 1, 4);
		if (f + i + 5 + (int64_t)rel == c) {
			printf("%zu\n", i + 5);
			return 0;
		}
	}
#endif
	return fprintf(stderr, "callsite: no call to %s in %s\n", callee, fn), 1;
}

static int do_exit(int code)
{
	fflush(NULL);
	sync();
	/* QEMU's isa-debug-exit turns a write to port 0xf4 into exit status (code << 1) | 1. */
#if defined(__x86_64__)
	if (ioperm(0xf4, 4, 1) == 0)
		outl((unsigned)code, 0xf4);
#else
	(void)code;
#endif
	reboot(RB_POWER_OFF);
	return 1;
}

static int do_sigdfl(char **argv)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	execvp(argv[0], argv);
	perror(argv[0]);
	return 127;
}

/* getppid(2) n times (exact counts), write(2) of 1..n bytes to /dev/null (known value
 * distribution); both print the pid. */
static int do_loop(long n)
{
	long i;

	for (i = 0; i < n; i++)
		getppid();
	printf("%d\n", (int)getpid());
	return 0;
}

static int do_writes(long n)
{
	static char buf[4096];
	int fd = open("/dev/null", O_WRONLY);
	long i;

	if (fd < 0 || n > (long)sizeof(buf))
		return 1;
	for (i = 1; i <= n; i++)
		if (write(fd, buf, (size_t)i) != i)
			return 1;
	close(fd);
	printf("%d\n", (int)getpid());
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "fork"))
		return do_fork();
	if (!strcmp(cmd, "open") && argc > 2)
		return do_open(argv[2]);
	if (!strcmp(cmd, "udp") && argc > 2)
		return do_udp(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 1);
	if (!strcmp(cmd, "udp6") && argc > 2)
		return do_udp6(atoi(argv[2]));
	if (!strcmp(cmd, "mmap") && argc > 3)
		return do_mmap((size_t)atol(argv[2]), atol(argv[3]));
	if (!strcmp(cmd, "select") && argc > 2)
		return do_select(atol(argv[2]));
	if (!strcmp(cmd, "callsite") && argc > 3)
		return do_callsite(argv[2], argv[3]);
	if (!strcmp(cmd, "sigdfl") && argc > 2)
		return do_sigdfl(argv + 2);
	if (!strcmp(cmd, "loop") && argc > 2)
		return do_loop(atol(argv[2]));
	if (!strcmp(cmd, "writes") && argc > 2)
		return do_writes(atol(argv[2]));
	if (!strcmp(cmd, "exit"))
		return do_exit(argc > 2 ? atoi(argv[2]) : 0);
	fprintf(stderr, "usage: labtool fork | open PATH | udp PORT [N] | udp6 PORT | mmap LEN PGOFF | select USEC | callsite FN CALLEE | loop N | writes N | exit CODE | sigdfl CMD...\n");
	return 2;
}
