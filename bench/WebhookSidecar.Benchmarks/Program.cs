// Hot-path micro-benchmarks (BenchmarkDotNet, MemoryDiagnoser). Run from the repository root:
//   dotnet run -c Release --project bench/WebhookSidecar.Benchmarks -- --filter '*'
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(WebhookSidecar.Benchmarks.VerifyBenchmarks).Assembly).Run(args);
