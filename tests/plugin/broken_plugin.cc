// A plugin library that references a function nobody defines: loading it must fail with the
// loader's message naming the symbol, not crash later.
extern "C" double sslpde_function_that_does_not_exist(double);

extern "C" double sslpde_broken_plugin_entry(double x)
{
  return sslpde_function_that_does_not_exist(x);
}
