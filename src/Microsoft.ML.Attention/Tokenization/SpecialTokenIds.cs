namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// The ids of the special tokens a model needs. Every <see cref="TextTokenizer"/> has all five; those its base vocabulary
/// lacks are added after it (see <see cref="TextTokenizer.BaseVocabularySize"/>).
/// </summary>
/// <param name="Pad">Padding; attention masks hide it.</param>
/// <param name="Mask">The masked-language-model mask token ([MASK]).</param>
/// <param name="Bos">Beginning of sequence; doubles as BERT's [CLS].</param>
/// <param name="Eos">End of sequence; doubles as BERT's [SEP].</param>
/// <param name="Unk">Unknown token, for input the vocabulary cannot represent.</param>
public readonly record struct SpecialTokenIds(int Pad, int Mask, int Bos, int Eos, int Unk)
{
    /// <summary>Whether <paramref name="id"/> is one of the five special ids.</summary>
    /// <param name="id">A token id.</param>
    /// <returns><see langword="true"/> when <paramref name="id"/> equals Pad, Mask, Bos, Eos or Unk.</returns>
    public bool Contains(int id) => id == Pad || id == Mask || id == Bos || id == Eos || id == Unk;
}
