using System.Runtime.InteropServices;
using System.Text;
using WebhookSidecar.Dispatch.Kafka;

namespace WebhookSidecar.FunctionalTests.Infrastructure.Kafka;

/// <summary>
/// librdkafka's built-in mock cluster: real Kafka brokers on loopback TCP, speaking the wire protocol
/// (idempotent producer sequence checks included), with fault injection. Created through the C API of
/// the same native library the sidecar loads (see <see cref="KafkaNativeLibrary"/>). Broker ids are 1..n.
/// </summary>
public sealed unsafe class MockKafkaCluster : IDisposable
{
    private const int ProducerType = 0;
    private const int ConfOk = 0;

    private readonly nint _handle;
    private readonly nint _cluster;
    private readonly Functions _f;
    private bool _disposed;

    public MockKafkaCluster(int brokers)
    {
        _f = Functions.Load();
        var conf = _f.ConfNew();
        Set(conf, "log_level", "2");
        var error = stackalloc byte[512];
        _handle = _f.New(ProducerType, conf, error, 512);
        if (_handle == 0)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + Marshal.PtrToStringUTF8((nint)error));
        }

        _cluster = _f.ClusterNew(_handle, brokers);
        if (_cluster == 0)
        {
            _f.Destroy(_handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(_f.Bootstraps(_cluster))!;
        Brokers = brokers;
    }

    public string BootstrapServers { get; }

    public int Brokers { get; }

    public void CreateTopic(string topic, int partitions, int replicationFactor)
        => Check(WithName(topic, name => _f.TopicCreate(_cluster, name, partitions, replicationFactor)), "rd_kafka_mock_topic_create");

    /// <summary>Disconnects a broker (-1: all) and refuses new connections; leadership does not move.</summary>
    public void SetBrokerDown(int brokerId = -1) => Check(_f.BrokerSetDown(_cluster, brokerId), "rd_kafka_mock_broker_set_down");

    public void SetBrokerUp(int brokerId = -1) => Check(_f.BrokerSetUp(_cluster, brokerId), "rd_kafka_mock_broker_set_up");

    /// <summary>Delays every response of a broker (-1: all) by <paramref name="rttMs"/>.</summary>
    public void SetBrokerRtt(int rttMs, int brokerId = -1) => Check(_f.BrokerSetRtt(_cluster, brokerId, rttMs), "rd_kafka_mock_broker_set_rtt");

    public void SetLeader(string topic, int partition, int brokerId)
        => Check(WithName(topic, name => _f.PartitionSetLeader(_cluster, name, partition, brokerId)), "rd_kafka_mock_partition_set_leader");

    /// <summary>The next requests of <paramref name="apiKey"/> (any broker) fail with <paramref name="errors"/>, in order.</summary>
    public void PushRequestErrors(short apiKey, params int[] errors)
    {
        fixed (int* e = errors)
        {
            _f.PushErrors(_cluster, apiKey, (nuint)errors.Length, e);
        }
    }

    public void ClearRequestErrors(short apiKey) => _f.ClearErrors(_cluster, apiKey);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _f.ClusterDestroy(_cluster);
        _f.Destroy(_handle);
    }

    private static int WithName(string value, Func<nint, int> call)
    {
        var bytes = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* p = bytes)
        {
            return call((nint)p);
        }
    }

    private static void Check(int error, string function)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"{function} failed: error {error}");
        }
    }

    private void Set(nint conf, string name, string value)
    {
        var error = stackalloc byte[512];
        var n = Encoding.UTF8.GetBytes(name + "\0");
        var v = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* pn = n, pv = v)
        {
            if (_f.ConfSet(conf, pn, pv, error, 512) != ConfOk)
            {
                throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {Marshal.PtrToStringUTF8((nint)error)}");
            }
        }
    }

    /// <summary>Entry points, from the librdkafka build the sidecar itself loads.</summary>
    private sealed class Functions
    {
        public delegate* unmanaged[Cdecl]<nint> ConfNew;
        public delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, nuint, int> ConfSet;
        public delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint> New;
        public delegate* unmanaged[Cdecl]<nint, void> Destroy;
        public delegate* unmanaged[Cdecl]<nint, int, nint> ClusterNew;
        public delegate* unmanaged[Cdecl]<nint, void> ClusterDestroy;
        public delegate* unmanaged[Cdecl]<nint, nint> Bootstraps;
        public delegate* unmanaged[Cdecl]<nint, nint, int, int, int> TopicCreate;
        public delegate* unmanaged[Cdecl]<nint, int, int> BrokerSetDown;
        public delegate* unmanaged[Cdecl]<nint, int, int> BrokerSetUp;
        public delegate* unmanaged[Cdecl]<nint, int, int, int> BrokerSetRtt;
        public delegate* unmanaged[Cdecl]<nint, nint, int, int, int> PartitionSetLeader;
        public delegate* unmanaged[Cdecl]<nint, short, nuint, int*, void> PushErrors;
        public delegate* unmanaged[Cdecl]<nint, short, void> ClearErrors;

        public static Functions Load()
        {
            var library = Open();
            return new Functions
            {
                ConfNew = (delegate* unmanaged[Cdecl]<nint>)NativeLibrary.GetExport(library, "rd_kafka_conf_new"),
                ConfSet = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, nuint, int>)NativeLibrary.GetExport(library, "rd_kafka_conf_set"),
                New = (delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint>)NativeLibrary.GetExport(library, "rd_kafka_new"),
                Destroy = (delegate* unmanaged[Cdecl]<nint, void>)NativeLibrary.GetExport(library, "rd_kafka_destroy"),
                ClusterNew = (delegate* unmanaged[Cdecl]<nint, int, nint>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_new"),
                ClusterDestroy = (delegate* unmanaged[Cdecl]<nint, void>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_destroy"),
                Bootstraps = (delegate* unmanaged[Cdecl]<nint, nint>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_bootstraps"),
                TopicCreate = (delegate* unmanaged[Cdecl]<nint, nint, int, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_topic_create"),
                BrokerSetDown = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_broker_set_down"),
                BrokerSetUp = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_broker_set_up"),
                BrokerSetRtt = (delegate* unmanaged[Cdecl]<nint, int, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_broker_set_rtt"),
                PartitionSetLeader = (delegate* unmanaged[Cdecl]<nint, nint, int, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_partition_set_leader"),
                PushErrors = (delegate* unmanaged[Cdecl]<nint, short, nuint, int*, void>)NativeLibrary.GetExport(library, "rd_kafka_mock_push_request_errors_array"),
                ClearErrors = (delegate* unmanaged[Cdecl]<nint, short, void>)NativeLibrary.GetExport(library, "rd_kafka_mock_clear_request_errors"),
            };
        }

        /// <summary>The first build that loads, in the order the sidecar tries them (the default needs libsasl2.so.3).</summary>
        private static nint Open()
        {
            KafkaNativeLibrary.EnsureLoaded();
            var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            var candidates = new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", "librdkafka.so") }
                .Concat(KafkaNativeLibrary.FallbackPaths());
            foreach (var path in candidates)
            {
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
                {
                    return handle;
                }
            }

            throw new DllNotFoundException("no librdkafka build loads here");
        }
    }
}
