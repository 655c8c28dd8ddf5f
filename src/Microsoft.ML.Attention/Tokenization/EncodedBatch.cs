using TorchSharp;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>A batch of token id rows, right-padded to one length, ready for a model.</summary>
/// <remarks>Build with <see cref="BatchEncoder"/>. Padding positions hold <see cref="SpecialTokenIds.Pad"/>, which may be
/// at or above <see cref="TextTokenizer.BaseVocabularySize"/>; <see cref="AttentionMask"/> is 0 there.</remarks>
public sealed class EncodedBatch
{
    internal EncodedBatch(int batchSize, int sequenceLength, long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int[] lengths, int truncatedRowCount)
    {
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        Lengths = lengths;
        TruncatedRowCount = truncatedRowCount;
    }

    /// <summary>Number of rows (B).</summary>
    public int BatchSize { get; }

    /// <summary>Length of every row after padding (T): the longest row.</summary>
    public int SequenceLength { get; }

    /// <summary>Token ids, row-major [B * T].</summary>
    public long[] InputIds { get; }

    /// <summary>1 where <see cref="InputIds"/> holds a token, 0 at padding; row-major [B * T].</summary>
    public long[] AttentionMask { get; }

    /// <summary>Segment of each position, row-major [B * T]: 0 for the first text (with its Bos and Eos) and for padding, 1 for the second text of a pair and its Eos.</summary>
    public long[] TokenTypeIds { get; }

    /// <summary>Real (unpadded) tokens per row, special tokens included.</summary>
    public int[] Lengths { get; }

    /// <summary>Number of rows that were cut to the maximum length.</summary>
    public int TruncatedRowCount { get; }

    /// <summary>No task inputs: the value of <see cref="TaskInputs"/> for a batch of token ids alone.</summary>
    internal static readonly IReadOnlyDictionary<string, long[]> NoTaskInputs = new Dictionary<string, long[]>();

    /// <summary>
    /// Further per-position int64 inputs [B * T] a task's network reads beside the tokens, by their ONNX input name (e.g. token
    /// classification's <c>word_shape_ids</c>); empty for most tasks.
    /// </summary>
    internal IReadOnlyDictionary<string, long[]> TaskInputs { get; init; } = NoTaskInputs;

    /// <summary>The ids and the attention mask as tensors.</summary>
    /// <param name="device">Where to create them.</param>
    /// <returns>InputIds and AttentionMask, each int64 [B, T]. The caller disposes them.</returns>
    public (torch.Tensor InputIds, torch.Tensor AttentionMask) ToTensors(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        long[] shape = [BatchSize, SequenceLength];
        torch.Tensor ids = torch.tensor(InputIds, shape, torch.int64, device);
        torch.Tensor mask = torch.tensor(AttentionMask, shape, torch.int64, device);
        return (ids, mask);
    }

    /// <summary>The segment ids as a tensor.</summary>
    /// <param name="device">Where to create it.</param>
    /// <returns>TokenTypeIds, int64 [B, T]. The caller disposes it.</returns>
    public torch.Tensor TokenTypeIdsToTensor(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return torch.tensor(TokenTypeIds, [BatchSize, SequenceLength], torch.int64, device);
    }
}
