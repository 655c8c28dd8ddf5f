using Microsoft.ML.Attention.Modeling;

namespace Microsoft.ML.Attention;

/// <summary>
/// Options of <c>mlContext.Transforms.ImportEncoder</c>: which pretrained BERT-family encoder to read and how its sentence
/// embeddings are computed. Checked when the import runs; an invalid option fails with its name and value.
/// </summary>
public sealed class ImportEncoderOptions
{
    /// <summary>
    /// The encoder: an ONNX export of a Hugging Face BERT-family model (<c>model.onnx</c>), a <c>model.safetensors</c> beside its
    /// <c>config.json</c>, or the Hugging Face checkpoint folder holding them. Required.
    /// </summary>
    public string ModelPath { get; set; } = "";

    /// <summary>
    /// The WordPiece vocabulary: a <c>vocab.txt</c> or a Hugging Face <c>tokenizer.json</c>. Default: <c>null</c>, which means the
    /// <c>vocab.txt</c> (else <c>tokenizer.json</c>) beside the model. Its content is stored in the saved model.
    /// </summary>
    public string? VocabularyPath { get; set; }

    /// <summary>
    /// Lower-case (and strip accents) before WordPiece tokenization. Default: <c>null</c>, which means <c>do_lower_case</c> of a
    /// <c>tokenizer_config.json</c> beside the model, else <c>true</c> (uncased models such as all-MiniLM-L6-v2).
    /// </summary>
    public bool? LowerCase { get; set; }

    /// <summary>The input text column (<c>string</c>). Default: <c>"Text"</c>.</summary>
    public string InputColumnName { get; set; } = "Text";

    /// <summary>The output column: a known-size vector of <c>Single</c> (the model dimension). Default: <c>"Embedding"</c>.</summary>
    public string OutputColumnName { get; set; } = "Embedding";

    /// <summary>How token states become one sentence embedding. Default: <see cref="PoolingKind.Mean"/> (over the real tokens, as sentence-transformers).</summary>
    public PoolingKind Pooling { get; set; } = PoolingKind.Mean;

    /// <summary>Scale each embedding to unit L2 norm, so that a dot product is the cosine similarity. Default: <c>true</c>.</summary>
    public bool NormalizeEmbeddings { get; set; } = true;

    /// <summary>
    /// Tokens per row, special tokens included; longer rows are truncated. The position table is cut to this length.
    /// Default: 0, which means the model's own (512 for BERT-family models). At most the model's.
    /// </summary>
    public int MaxSequenceLength { get; set; }

    /// <summary>Rows per forward pass in <c>Transform</c>. Default: 32.</summary>
    public int InferenceBatchSize { get; set; } = 32;

    /// <summary>
    /// The number format of the forward pass in <c>Transform</c>; see <see cref="Attention.InferencePrecision"/> (Int8 on ONNX Runtime only:
    /// set <see cref="InferenceEngine"/>). Default: <see cref="InferencePrecision.Float32"/>.
    /// </summary>
    public InferencePrecision InferencePrecision { get; set; } = InferencePrecision.Float32;

    /// <summary>
    /// What runs the network in <c>Transform</c> and <c>PredictionEngine</c>: <see cref="InferenceEngine.TorchSharp"/> (libtorch),
    /// <see cref="InferenceEngine.OnnxRuntime"/> (the network exported in memory and scored by ONNX Runtime; needs the package
    /// <c>Microsoft.ML.Attention.OnnxRuntime</c> in the application) or <see cref="InferenceEngine.Automatic"/> (the engine measured faster for
    /// the precision: ONNX Runtime for Float32 when the package is there, and for Int8; TorchSharp for BFloat16). Tokenization, batching and
    /// output columns are the same on each; ONNX Runtime's outputs equal TorchSharp's float32 within 1e-4. A runtime choice: not saved
    /// with the model (a loaded model scores with TorchSharp, or ONNX Runtime for Int8; switch it with
    /// <see cref="TransformerTextTransformer.WithInference(InferenceEngine, InferencePrecision, int)"/>), so the saved <c>.zip</c> is the
    /// same whichever engine is chosen. ONNX Runtime uses as many intra-op threads as libtorch (set another count with
    /// <see cref="TransformerTextTransformer.WithInference(InferenceEngine, InferencePrecision, int)"/>). Default: <see cref="InferenceEngine.TorchSharp"/>.
    /// </summary>
    public InferenceEngine InferenceEngine { get; set; } = InferenceEngine.TorchSharp;
}
