/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_COMMANDS_H
#define RG_COMMANDS_H

/* One *_main per subcommand, each in its own cmd_*.c, as in wg(8). */
int doctor_main(int argc, char *argv[]);
extern const char doctor_usage[];
int check_config_main(int argc, char *argv[]);
extern const char check_config_usage[];

int report_main(int argc, char *argv[]);
extern const char report_usage[];

int run_main(int argc, char *argv[]);
extern const char run_usage[];
int scan_main(int argc, char *argv[]);
extern const char scan_usage[];
int status_main(int argc, char *argv[]);
extern const char status_usage[];
int reload_main(int argc, char *argv[]);
extern const char reload_usage[];

int exempt_main(int argc, char *argv[]);
extern const char exempt_usage[];
int teardown_main(int argc, char *argv[]);
extern const char teardown_usage[];

#endif
