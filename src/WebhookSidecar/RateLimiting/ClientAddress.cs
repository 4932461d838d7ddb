using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace WebhookSidecar.RateLimiting;

/// <summary>
/// A client address as a rate-limit partition: IPv4 as is, IPv6 reduced to its /64 (one subscriber
/// usually holds a whole /64, so per-address limits on IPv6 would be trivially evaded). A value type,
/// so keying a partition allocates nothing.
/// </summary>
public readonly record struct ClientAddress(UInt128 Value, bool IsV6)
{
    public static ClientAddress From(IPAddress? address)
    {
        if (address is null)
        {
            return default;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return new ClientAddress(BinaryPrimitives.ReadUInt32BigEndian(bytes), IsV6: false);
        }

        address.TryWriteBytes(bytes, out _);
        var prefix = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return new ClientAddress((UInt128)prefix << 64, IsV6: true);
    }

    public override string ToString()
    {
        if (!IsV6)
        {
            return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)Value)).ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return new IPAddress(bytes) + "/64";
    }
}
