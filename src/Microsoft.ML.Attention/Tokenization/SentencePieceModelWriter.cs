using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// Writes a SentencePiece <c>ModelProto</c> (sentencepiece_model.proto) for a BPE vocabulary, so that
/// Microsoft.ML.Tokenizers' <see cref="Microsoft.ML.Tokenizers.SentencePieceTokenizer"/> can encode with it.
/// Hand-written protobuf: Microsoft.ML.Tokenizers keeps its generated ModelProto types internal and the project has no
/// protobuf package. Only the fields that tokenizer reads are written.
/// </summary>
internal static class SentencePieceModelWriter
{
    /// <summary>ModelProto.SentencePiece.Type values.</summary>
    public enum PieceType
    {
        /// <summary>Ordinary piece.</summary>
        Normal = 1,

        /// <summary>The unknown piece.</summary>
        Unknown = 2,

        /// <summary>Control symbol such as &lt;s&gt;.</summary>
        Control = 3,

        /// <summary>Byte-fallback piece "&lt;0xXX&gt;".</summary>
        Byte = 6,
    }

    // Field numbers in sentencepiece_model.proto.
    private const int ModelPieces = 1, ModelTrainerSpec = 2, ModelNormalizerSpec = 3;
    private const int PieceTextField = 1, PieceScoreField = 2, PieceTypeField = 3;
    private const int TrainerModelType = 3, TrainerByteFallback = 35, TrainerUnkId = 40, TrainerBosId = 41, TrainerEosId = 42;
    private const int NormalizerName = 1, NormalizerAddDummyPrefix = 3, NormalizerRemoveExtraWhitespaces = 4, NormalizerEscapeWhitespaces = 5;
    private const int ModelTypeBpe = 2;
    private const int WireVarint = 0, WireLengthDelimited = 2, WireFixed32 = 5;

    /// <summary>
    /// A BPE model with byte fallback, a dummy-prefix space, no whitespace collapsing, no normalization table, and
    /// spaces kept as ' ' (not escaped to U+2581), matching pieces that spell spaces as ' '.
    /// </summary>
    public static byte[] WriteBpeModel(IReadOnlyList<string> pieces, IReadOnlyList<float> scores, IReadOnlyList<PieceType> types, int unkId, int bosId, int eosId)
    {
        var model = new MemoryStream();
        for (int i = 0; i < pieces.Count; i++)
        {
            var piece = new MemoryStream();
            WriteBytesField(piece, PieceTextField, Encoding.UTF8.GetBytes(pieces[i]));
            WriteFloatField(piece, PieceScoreField, scores[i]);
            WriteVarintField(piece, PieceTypeField, (ulong)types[i]);
            WriteBytesField(model, ModelPieces, piece.ToArray());
        }

        var trainer = new MemoryStream();
        WriteVarintField(trainer, TrainerModelType, ModelTypeBpe);
        WriteVarintField(trainer, TrainerByteFallback, 1);
        WriteVarintField(trainer, TrainerUnkId, (ulong)unkId);
        WriteVarintField(trainer, TrainerBosId, (ulong)bosId);
        WriteVarintField(trainer, TrainerEosId, (ulong)eosId);
        WriteBytesField(model, ModelTrainerSpec, trainer.ToArray());

        var normalizer = new MemoryStream();
        WriteBytesField(normalizer, NormalizerName, Encoding.UTF8.GetBytes("identity"));
        WriteVarintField(normalizer, NormalizerAddDummyPrefix, 1);
        WriteVarintField(normalizer, NormalizerRemoveExtraWhitespaces, 0);
        WriteVarintField(normalizer, NormalizerEscapeWhitespaces, 0);
        WriteBytesField(model, ModelNormalizerSpec, normalizer.ToArray());

        return model.ToArray();
    }

    private static void WriteTag(Stream stream, int field, int wireType) => WriteVarint(stream, ((ulong)field << 3) | (uint)wireType);

    private static void WriteVarintField(Stream stream, int field, ulong value)
    {
        WriteTag(stream, field, WireVarint);
        WriteVarint(stream, value);
    }

    private static void WriteFloatField(Stream stream, int field, float value)
    {
        WriteTag(stream, field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteBytesField(Stream stream, int field, byte[] value)
    {
        WriteTag(stream, field, WireLengthDelimited);
        WriteVarint(stream, (ulong)value.Length);
        stream.Write(value);
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }
}
