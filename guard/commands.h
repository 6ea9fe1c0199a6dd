/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_COMMANDS_H
#define RG_COMMANDS_H

/* One *_main per subcommand, each in its own cmd_*.c, as in wg(8). */
int doctor_main(int argc, char *argv[]);
extern const char doctor_usage[];

#endif
