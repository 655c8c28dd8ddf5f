namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// A token id and the characters of the original text it was made from: <c>text.Substring(Start, Length)</c> (UTF-16 units).
/// For WordPiece the substring is the token's text before lower-casing and accent stripping (a "##" piece maps to its characters
/// only); a token that covers part of a character (a byte-level BPE piece of a multi-byte character) maps to the whole character.
/// </summary>
/// <param name="Id">The token id, as <see cref="TextTokenizer.Encode"/> gives it.</param>
/// <param name="Start">Index of the token's first character in the original text.</param>
/// <param name="Length">Number of characters; 0 only for a token made from no character of the text.</param>
internal readonly record struct TokenSpan(int Id, int Start, int Length)
{
    /// <summary>Index just past the token's last character.</summary>
    public int End => Start + Length;
}
