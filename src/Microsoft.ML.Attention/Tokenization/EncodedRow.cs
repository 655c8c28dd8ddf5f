namespace Microsoft.ML.Attention.Tokenization;

/// <summary>One encoded row, unpadded: its token ids, token types (0 = first text, 1 = second text of a pair) and whether it was cut to fit.</summary>
/// <param name="Ids">Token ids, special tokens included.</param>
/// <param name="TokenTypes">One type per id.</param>
/// <param name="Truncated">true = the text had more tokens than the row's maximum length.</param>
public sealed record EncodedRow(int[] Ids, int[] TokenTypes, bool Truncated)
{
    /// <summary>The number of tokens: the length that training groups batches by and <c>Transform</c> sorts rows by.</summary>
    public int Length => Ids.Length;
}
