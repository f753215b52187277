/// The Lua script resource module. Its types arrive with the LSR issue (#6); this file only names the module.
enum LSRModule {}
