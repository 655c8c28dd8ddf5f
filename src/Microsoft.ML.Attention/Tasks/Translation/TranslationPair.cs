namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// One encoded training pair of an encoder-decoder model (see <see cref="Generation.SequencePairFormat"/>).
/// </summary>
/// <param name="Source">The encoder input: source content ids, then the end token.</param>
/// <param name="Target">
/// <c>[Bos] + target content + [Eos]</c>: its first T - 1 ids are the decoder's input (teacher forcing), its last T - 1 ids the labels.
/// </param>
internal sealed record TranslationPair(int[] Source, int[] Target);
