# The configuration file (read by the TUI and by the notify worker).
noinst_LIBRARIES += src/config/libconfig.a
src_config_libconfig_a_SOURCES = src/config/config_file.c src/config/config_file.h
