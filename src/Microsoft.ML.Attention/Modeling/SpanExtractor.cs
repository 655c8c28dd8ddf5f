using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Extractive question answering (Hugging Face's <c>ForQuestionAnswering</c>): a bidirectional
/// <see cref="TransformerBackbone"/> and <c>Linear(D, 2)</c> split into start and end logits.
/// State-dict keys: <c>backbone.*</c>, <c>qa_outputs.weight</c> [2, D], <c>qa_outputs.bias</c> [2].
/// </summary>
public sealed class SpanExtractor : nn.Module<Tensor, Tensor, (Tensor Start, Tensor End)>, ITaskNetwork
{
    [ComponentName(Name = "backbone")]
    private readonly TransformerBackbone backbone;

    [ComponentName(Name = "qa_outputs")]
    private readonly Linear spanOutputs;

    /// <summary>Creates the model with fresh weights.</summary>
    /// <param name="config">The model configuration; validated first.</param>
    public SpanExtractor(TransformerConfig config)
        : base(nameof(SpanExtractor))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        backbone = new TransformerBackbone(config);
        spanOutputs = WeightInitialization.Normal(nn.Linear(config.ModelDimension, 2));
        RegisterComponents();
    }

    /// <summary>The shared body, registered as <c>backbone</c>.</summary>
    public TransformerBackbone Backbone => backbone;

    /// <summary>Scores each position as the start and as the end of the answer span.</summary>
    /// <param name="inputIds">[B, T] int64 token ids (question and context).</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <returns>Start and end logits, each [B, T]; padded positions are not masked.</returns>
    public override (Tensor Start, Tensor End) forward(Tensor inputIds, Tensor attentionMask) => forward(inputIds, attentionMask, tokenTypeIds: null);

    /// <summary>Scores each position of a packed <c>[CLS] question [SEP] context [SEP]</c> row as the start and as the end of the answer span.</summary>
    /// <param name="inputIds">[B, T] int64 token ids (question and context).</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <param name="tokenTypeIds">[B, T] segment ids (0 = question with its [CLS] and [SEP], 1 = context and its [SEP]), or null = all 0; read only by a backbone with token-type embeddings.</param>
    /// <returns>Start and end logits, each [B, T]; padded positions are not masked.</returns>
    public (Tensor Start, Tensor End) forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var hidden = backbone.forward(inputIds, attentionMask, causal: false, tokenTypeIds: tokenTypeIds); // [B, T, D]
        var logits = spanOutputs.forward(hidden); // [B, T, 2]
        var start = logits.select(-1, 0).contiguous(); // [B, T]
        var end = logits.select(-1, 1).contiguous(); // [B, T]
        return (start.MoveToOuterDisposeScope(), end.MoveToOuterDisposeScope());
    }
}
