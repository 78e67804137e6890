// SPDX-License-Identifier: MIT
/* Calling-convention fixture: structs passed by value (8, 12, 16, 16-aligned and 24 bytes),
 * a double, and arguments past the registers. tests/abi/abi.sh compiles it for x86_64 and
 * aarch64 and compares where surftrace reads each argument with the compiler's DWARF. */
struct s8 { long a; };
struct s12 { int a, b, c; };
struct s16 { long a, b; };
struct s24 { long a, b, c; };
struct s16a { __int128 v; };
volatile long sink;
#define N __attribute__((noinline))
N long f1(struct s12 p, long x, long y) { sink = p.a + p.c + x + y; return sink; }
N long f2(long a, struct s24 big, long b, long c) { sink = a + big.a + big.c + b + c; return sink; }
N long f3(long a, long b, long c, long d, long e, struct s16 p, long f) { sink = a+b+c+d+e+p.a+p.b+f; return sink; }
N long f4(long a, struct s16a q, long b) { sink = a + (long)q.v + b; return sink; }
N long f5(double d, long a, struct s8 s, long b) { sink = (long)d + a + s.a + b; return sink; }
N long f6(long a1, long a2, long a3, long a4, long a5, long a6, long a7, struct s24 big, long a8) { sink = a1+a2+a3+a4+a5+a6+a7+big.b+a8; return sink; }
N long f7(long a1, long a2, long a3, long a4, long a5, long a6, long a7, struct s12 m, long a8) { sink = a1+a2+a3+a4+a5+a6+a7+m.b+a8; return sink; }
/* A struct over 16 bytes returned by value: x86_64 passes its address in %di (every
 * argument moves one register) and returns it in %ax. */
N struct s24 f8(long a, long b) { struct s24 r = { a, b, a + b }; sink = r.c; return r; }
N struct s16 f9(long a, struct s16 p) { struct s16 r = { a + p.a, p.b }; sink = r.a; return r; }
