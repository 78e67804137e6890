// SPDX-License-Identifier: MIT
/* Kernel image identity through libelf: banner, machine, build-id note, debug sections. */
#include "types/kident.h"
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char banner_prefix[] = "Linux version ";

int st_notes_build_id(const void *notes, size_t len, char out[41])
{
	const unsigned char *p = notes, *end = p + len;

	while (p + 12 <= end) {
		uint32_t namesz, descsz, type;
		size_t nlen, dlen;

		memcpy(&namesz, p, 4);
		memcpy(&descsz, p + 4, 4);
		memcpy(&type, p + 8, 4);
		nlen = ((size_t)namesz + 3) & ~(size_t)3;
		dlen = ((size_t)descsz + 3) & ~(size_t)3;
		if (nlen > (size_t)(end - p - 12) || dlen > (size_t)(end - p - 12 - nlen))
			return -1;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && !memcmp(p + 12, "GNU", 4) &&
		    descsz > 0 && descsz <= 20) {
			const unsigned char *d = p + 12 + nlen;
			uint32_t i;

			for (i = 0; i < descsz; i++)
				snprintf(out + 2 * i, 3, "%02x", d[i]);
			return 0;
		}
		p += 12 + nlen + dlen;
	}
	return -1;
}

int st_kernel_build_id(char out[41])
{
	const char *path = getenv("SURFTRACE_KERNEL_NOTES");
	unsigned char buf[4096];
	ssize_t n;
	int fd;

	fd = open(path && *path ? path : "/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 ? st_notes_build_id(buf, (size_t)n, out) : -1;
}

const char *st_sysfs_btf_dir(void)
{
	const char *env = getenv("SURFTRACE_SYSFS_BTF");

	return env && *env ? env : "/sys/kernel/btf";
}

/* "Linux version 6.1.0-13-amd64 (...) ..." -> the word after the prefix. */
static void release_of_banner(const char *banner, char *out, size_t n)
{
	const char *r = banner + sizeof(banner_prefix) - 1;
	size_t l = strcspn(r, " \t\n");

	if (strncmp(banner, banner_prefix, sizeof(banner_prefix) - 1) || !l || l >= n)
		return;
	memcpy(out, r, l);
	out[l] = '\0';
}

/* Copy a banner found at p (bounded by end) into out, up to the end of its line. */
static void copy_banner(const char *p, const char *end, char *out, size_t n)
{
	size_t l = 0;

	while (p + l < end && l + 1 < n && p[l] && p[l] != '\n')
		l++;
	memcpy(out, p, l);
	out[l] = '\0';
}

/* linux_banner through .symtab, when its section has contents (a debuginfo-only image
 * keeps .rodata as NOBITS). */
static void banner_from_symbol(Elf *elf, Elf_Scn *symtab, struct st_kident *id)
{
	GElf_Shdr sh, tsh;
	Elf_Data *d;
	size_t i, n;

	if (!gelf_getshdr(symtab, &sh) || !sh.sh_entsize || !(d = elf_getdata(symtab, NULL)))
		return;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		Elf_Scn *scn;
		Elf_Data *sd;

		if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_OBJECT)
			continue;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name || strcmp(name, "linux_banner"))
			continue;
		scn = elf_getscn(elf, sym.st_shndx);
		if (!scn || !gelf_getshdr(scn, &tsh) || tsh.sh_type == SHT_NOBITS ||
		    sym.st_value < tsh.sh_addr || sym.st_value - tsh.sh_addr >= tsh.sh_size)
			return;
		sd = elf_getdata(scn, NULL);
		if (!sd || !sd->d_buf || sym.st_value - tsh.sh_addr >= sd->d_size)
			return;
		copy_banner((const char *)sd->d_buf + (sym.st_value - tsh.sh_addr),
			    (const char *)sd->d_buf + sd->d_size, id->banner, sizeof(id->banner));
		return;
	}
}

/* A module's .modinfo: "name=veth\0vermagic=6.1.0-13-amd64 SMP ...\0" */
static void read_modinfo(const char *p, size_t n, struct st_kident *id)
{
	const char *end = p + n;

	id->module = true;
	while (p < end) {
		size_t l = strnlen(p, (size_t)(end - p));

		if (l > 5 && !strncmp(p, "name=", 5))
			snprintf(id->modname, sizeof(id->modname), "%.*s", (int)(l - 5), p + 5);
		else if (l > 9 && !strncmp(p, "vermagic=", 9))
			snprintf(id->release, sizeof(id->release), "%.*s",
				 (int)strcspn(p + 9, " "), p + 9);
		p += l + 1;
	}
}

int st_kident_read(const char *path, struct st_kident *id, struct st_err *err)
{
	Elf_Scn *scn = NULL, *symtab = NULL;
	size_t shstrndx, rawlen = 0;
	const char *raw;
	GElf_Ehdr eh;
	Elf *elf;
	int fd;

	memset(id, 0, sizeof(*id));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return st_err_set(err, 0, "cannot open %s: %s", path, strerror(errno));
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getshdrstrndx(elf, &shstrndx)) {
		if (elf)
			elf_end(elf);
		close(fd);
		return st_err_set(err, 0, "%s is not an ELF image", path);
	}
	snprintf(id->arch, sizeof(id->arch), "%s", eh.e_machine == EM_X86_64 ? "x86_64" :
		 eh.e_machine == EM_AARCH64 ? "aarch64" : "");
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info")) &&
		    sh.sh_type != SHT_NOBITS)
			id->has_dwarf = true;
		if (name && !strcmp(name, ".BTF") && sh.sh_type != SHT_NOBITS)
			id->has_btf = true;
		if (name && !strcmp(name, ".modinfo") && sh.sh_type != SHT_NOBITS &&
		    (d = elf_getdata(scn, NULL)) && d->d_buf)
			read_modinfo(d->d_buf, d->d_size, id);
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		if (sh.sh_type == SHT_NOTE && !id->build_id[0] && (d = elf_getdata(scn, NULL)) &&
		    d->d_buf)
			st_notes_build_id(d->d_buf, d->d_size, id->build_id);
	}
	if (symtab)
		banner_from_symbol(elf, symtab, id);
	/* No symbol (or no contents there): the first banner anywhere in the file. */
	raw = elf_rawfile(elf, &rawlen);
	if (!id->banner[0] && raw && !id->module) {
		const char *hit = memmem(raw, rawlen, banner_prefix, sizeof(banner_prefix) - 1);

		if (hit)
			copy_banner(hit, raw + rawlen, id->banner, sizeof(id->banner));
	}
	if (id->banner[0] && !id->module)
		release_of_banner(id->banner, id->release, sizeof(id->release));
	if (id->module && !id->modname[0]) {      /* older modules: the file's name */
		const char *b = strrchr(path, '/');

		b = b ? b + 1 : path;
		snprintf(id->modname, sizeof(id->modname), "%.*s", (int)strcspn(b, "."), b);
	}
	elf_end(elf);
	close(fd);
	return 0;
}

int st_release_from_image(const char *path, char *out, size_t n)
{
	struct st_kident id;

	if (st_kident_read(path, &id, NULL) || !id.release[0] || strlen(id.release) >= n)
		return -1;
	snprintf(out, n, "%s", id.release);
	return 0;
}

/* ".el8" style markers: a dot, the tag, a digit. */
static bool has_tag(const char *release, const char *tag)
{
	const char *p = release;
	size_t l = strlen(tag);

	while ((p = strstr(p, tag))) {
		if (p > release && p[-1] == '.' && isdigit((unsigned char)p[l]))
			return true;
		p += l;
	}
	return false;
}

const char *st_kernel_distro(const char *banner, const char *release)
{
	static const struct { const char *tag, *name; } tags[] = {
		{ "el", "rhel" }, { "an", "anolis" }, { "fc", "fedora" }, { "oc", "opencloudos" },
		{ "amzn", "amzn" }, { "al", "alinux" }, { "tl", "tencentos" },
	};
	size_t i;

	if (banner && strstr(banner, "Ubuntu"))
		return "ubuntu";
	if (banner && strstr(banner, "Debian"))
		return "debian";
	for (i = 0; release && i < sizeof(tags) / sizeof(tags[0]); i++)
		if (has_tag(release, tags[i].tag))
			return tags[i].name;
	return NULL;
}
