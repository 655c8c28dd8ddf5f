namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// One tokenization scheme behind <see cref="TextTokenizer"/>: encodes, decodes and writes its own complete definition.
/// <see cref="TextTokenizer"/> validates arguments before calling in, so implementations see non-empty text and in-range ids.
/// </summary>
internal abstract class TokenizerBackend
{
    /// <summary>Names used when an added special token is decoded with special tokens kept.</summary>
    public const string PadText = "[PAD]";

    /// <summary>See <see cref="PadText"/>.</summary>
    public const string MaskText = "[MASK]";

    /// <summary>See <see cref="PadText"/>.</summary>
    public const string UnkText = "[UNK]";

    /// <summary>The scheme.</summary>
    public abstract TokenizerKind Kind { get; }

    /// <summary>Ids in the underlying vocabulary; ids at or above it are special tokens added by this project.</summary>
    public abstract int BaseVocabularySize { get; }

    /// <summary>All ids, added special tokens included.</summary>
    public abstract int VocabularySize { get; }

    /// <summary>The special token ids.</summary>
    public abstract SpecialTokenIds Special { get; }

    /// <summary>Content ids of a non-empty text, no special tokens added.</summary>
    public abstract int[] Encode(string text);

    /// <summary>Text of ids that are all in [0, <see cref="VocabularySize"/>).</summary>
    public abstract string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens);

    /// <summary>Writes the scheme-specific part of the definition (see the format block in <see cref="TextTokenizer.Save"/>).</summary>
    public abstract void WriteDefinition(BinaryWriter writer);
}
