namespace Microsoft.ML.Attention.Tokenization;

/// <summary>Length-prefixed reads and writes for tokenizer definitions; every bad value becomes an <see cref="InvalidDataException"/>.</summary>
internal static class BinaryFormat
{
    /// <summary>Writes an int32 length, then the bytes.</summary>
    public static void WriteByteArray(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads what <see cref="WriteByteArray"/> wrote, refusing lengths outside [0, <paramref name="maxLength"/>] and short reads.</summary>
    public static byte[] ReadByteArray(BinaryReader reader, int maxLength, string what, string source)
    {
        int length = ReadInt32(reader, 0, maxLength, $"{what} length", source);
        byte[] bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new InvalidDataException($"{source}: {what} is truncated: {bytes.Length} of {length} bytes present.");
        }

        return bytes;
    }

    /// <summary>Reads an int32 that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int ReadInt32(BinaryReader reader, int min, int max, string what, string source)
    {
        int value;
        try
        {
            value = reader.ReadInt32();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source}: truncated before {what}.", e);
        }

        if (value < min || value > max)
        {
            throw new InvalidDataException($"{source}: {what} is {value}; expected {min}..{max}.");
        }

        return value;
    }

    /// <summary>Reads a bool written by <see cref="BinaryWriter.Write(bool)"/>, refusing bytes other than 0 and 1.</summary>
    public static bool ReadBoolean(BinaryReader reader, string what, string source)
    {
        int value;
        try
        {
            value = reader.ReadByte();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source}: truncated before {what}.", e);
        }

        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new InvalidDataException($"{source}: {what} is byte {value}; expected 0 or 1."),
        };
    }
}
