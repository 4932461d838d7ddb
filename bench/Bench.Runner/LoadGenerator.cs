using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bench.Runner;

/// <summary>
/// An HTTP/1.1 load generator over raw keep-alive sockets with pre-built requests (signing costs the
/// client nothing during the run). Closed loop: each connection sends its next request as soon as the
/// previous answer arrived (throughput). Open loop: requests are scheduled at a constant rate and
/// latency is measured from the scheduled time, so queueing is not hidden (no coordinated omission).
/// </summary>
internal static class LoadGenerator
{
    public static Task<LoadResult> ClosedLoopAsync(IPEndPoint target, RequestSet requests, int connections, TimeSpan duration, TimeSpan warmup)
        => RunAsync(target, requests, connections, duration, warmup, rate: null);

    public static Task<LoadResult> ConstantRateAsync(IPEndPoint target, RequestSet requests, int connections, double rate, TimeSpan duration, TimeSpan warmup)
        => RunAsync(target, requests, connections, duration, warmup, rate);

    /// <summary>Constant rate, no warm-up, every answer recorded with its request index and completion time (for outage scenarios).</summary>
    public static Task<LoadResult> TimelineAsync(IPEndPoint target, RequestSet requests, int connections, double rate, TimeSpan duration, ConcurrentQueue<Sample> timeline)
        => RunAsync(target, requests, connections, duration, TimeSpan.Zero, rate, timeline);

    private static async Task<LoadResult> RunAsync(IPEndPoint target, RequestSet requests, int connections, TimeSpan duration, TimeSpan warmup, double? rate, ConcurrentQueue<Sample>? timeline = null)
    {
        var statuses = new ConcurrentDictionary<int, long>();
        var latencies = new ConcurrentBag<double[]>();
        long completed = 0;
        long errors = 0;
        long sequence = -1;
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var stopAt = warmup + duration;
        using var stop = new CancellationTokenSource(stopAt + TimeSpan.FromSeconds(30));

        async Task WorkerAsync()
        {
            var local = new List<double>(16_384);
            Socket? socket = null;
            RawResponseReader? reader = null;
            try
            {
                while (true)
                {
                    var n = Interlocked.Increment(ref sequence);
                    TimeSpan scheduled;
                    if (rate is { } r)
                    {
                        scheduled = TimeSpan.FromSeconds(n / r);
                        if (scheduled >= stopAt)
                        {
                            break;
                        }

                        var wait = scheduled - clock.Elapsed;
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, stop.Token);
                        }
                    }
                    else
                    {
                        scheduled = clock.Elapsed;
                        if (scheduled >= stopAt)
                        {
                            break;
                        }
                    }

                    if (socket is null)
                    {
                        socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        await socket.ConnectAsync(target, stop.Token);
                        reader = new RawResponseReader(socket);
                    }

                    int status;
                    bool close;
                    try
                    {
                        await socket.SendAsync(requests[n], SocketFlags.None, stop.Token);
                        (status, close) = await reader!.ReadAsync(stop.Token);
                    }
                    catch (SocketException)
                    {
                        (status, close) = (-1, true);
                    }

                    var done = clock.Elapsed;
                    timeline?.Enqueue(new Sample(n, done.TotalSeconds, status, (done - scheduled).TotalMilliseconds));
                    if (scheduled >= measureFrom && done <= stopAt + TimeSpan.FromSeconds(5))
                    {
                        if (status < 0)
                        {
                            Interlocked.Increment(ref errors);
                        }
                        else
                        {
                            statuses.AddOrUpdate(status, 1, static (_, c) => c + 1);
                            local.Add((done - scheduled).TotalMilliseconds);
                            Interlocked.Increment(ref completed);
                        }
                    }

                    if (close || status < 0)
                    {
                        socket.Dispose();
                        socket = null;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The safety timeout: the run is over.
            }
            finally
            {
                socket?.Dispose();
                latencies.Add([.. local]);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(WorkerAsync)));
        var all = latencies.SelectMany(static l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(completed, duration, all, statuses, errors);
    }
}

/// <summary>One answer of a timeline run: request index, completion time since the start (s), status (-1: connection error), latency from the scheduled send.</summary>
internal readonly record struct Sample(long Index, double DoneSeconds, int Status, double LatencyMs);
