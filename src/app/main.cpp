#include "app/cli.hpp"

int main(int argc, char** argv) { return vp::app::RunCli(argc, argv); }
