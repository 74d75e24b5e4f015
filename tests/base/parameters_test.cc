// Plain-data parameters: pattern checks and typed access name the parameter at fault.
#include <sslpde/plugin/parameters.h>

#include <gtest/gtest.h>

using namespace sslpde;

TEST(ParameterPattern, ChecksEachKind)
{
  EXPECT_EQ(ParameterPattern::integer(1, 10).check("5"), "");
  EXPECT_NE(ParameterPattern::integer(1, 10).check("11"), "");
  EXPECT_NE(ParameterPattern::integer().check("1.5"), "");
  EXPECT_EQ(ParameterPattern::real(0, 1).check("0.25"), "");
  EXPECT_NE(ParameterPattern::real(0, 1).check("nan"), "");
  EXPECT_NE(ParameterPattern::real(0, 1).check("2"), "");
  EXPECT_EQ(ParameterPattern::boolean().check("true"), "");
  EXPECT_NE(ParameterPattern::boolean().check("maybe"), "");
  EXPECT_EQ(ParameterPattern::selection({"a", "b"}).check("b"), "");
  EXPECT_NE(ParameterPattern::selection({"a", "b"}).check("c"), "");
  EXPECT_EQ(ParameterPattern::list_of_reals().check("1, 2.5, -3e-2"), "");
  EXPECT_NE(ParameterPattern::list_of_reals().check("1, x"), "");
  EXPECT_NE(ParameterPattern::list_of_strings({"u", "v"}).check("u, w"), "");
}

TEST(ParameterValues, TypedAccessAndErrors)
{
  const ParameterDeclarations declarations = {
    {"Viscosity", "0.01", ParameterPattern::real(0), "nu"},
    {"Cells", "64", ParameterPattern::integer(1), "cells"},
    {"Modes", "1, 2, 3", ParameterPattern::list_of_integers(), "modes"},
    {"Verbose", "false", ParameterPattern::boolean(), "talk"}};
  ParameterValues values = ParameterValues::defaults(declarations, "PDE solver/burgers");
  EXPECT_DOUBLE_EQ(values.get_double("Viscosity"), 0.01);
  EXPECT_EQ(values.get_integer("Cells"), 64);
  EXPECT_EQ(values.get_integers("Modes"), (std::vector<long>{1, 2, 3}));
  EXPECT_FALSE(values.get_bool("Verbose"));
  values.set("Cells", "many");
  try
    {
      values.get_integer("Cells");
      FAIL() << "no exception";
    }
  catch (const std::invalid_argument &e)
    {
      EXPECT_NE(std::string(e.what()).find("PDE solver/burgers/Cells"), std::string::npos);
    }
  EXPECT_THROW(values.get("Undeclared"), std::out_of_range);
}
