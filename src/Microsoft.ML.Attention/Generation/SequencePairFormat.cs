using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// How a source/target pair is laid out for an <see cref="Modeling.EncoderDecoderModel"/>, shared by training and generation:
/// source <c>Encode(source) + [Eos]</c>; target <c>[Bos] + Encode(target) + [Eos]</c>, whose first T - 1 ids are the decoder's input and
/// last T - 1 ids its labels.
/// </summary>
internal static class SequencePairFormat
{
    /// <summary>The encoder input: the content cut to <paramref name="maxLength"/> - 1 ids, then the end token.</summary>
    public static int[] Source(TextTokenizer tokenizer, string? text, int maxLength)
    {
        var content = tokenizer.Encode(text);
        return [.. content.Take(maxLength - 1), tokenizer.Special.Eos];
    }

    /// <summary>
    /// <c>[Bos] + content + [Eos]</c> with the content cut so that the decoder input (all but the last id) fits <paramref name="maxLength"/>
    /// positions.
    /// </summary>
    public static int[] Target(TextTokenizer tokenizer, string? text, int maxLength)
    {
        var content = tokenizer.Encode(text);
        return [tokenizer.Special.Bos, .. content.Take(maxLength - 1), tokenizer.Special.Eos];
    }
}
