using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention;

/// <summary>
/// Options of <see cref="TransformerTextEstimator"/>: the task, the columns, the model, the tokenizer and the training run.
/// Every option is checked when the estimator is created; an invalid one fails with its name and value. An option set to something
/// other than its default that the chosen task, tokenizer or <see cref="InitialModel"/> does not read is reported as a warning in
/// the ML.NET log (<c>mlContext.Log</c>) when the estimator is created, and has no effect.
/// </summary>
public sealed class TransformerTextOptions
{
    /// <summary>What <c>Fit</c> trains and <c>Transform</c> writes. Default: <see cref="TransformerTask.MaskedLanguageModeling"/>.</summary>
    public TransformerTask Task { get; set; } = TransformerTask.MaskedLanguageModeling;

    /// <summary>
    /// The input text column (<c>string</c>). Default: <c>"Text"</c>. Not read by <see cref="TransformerTask.QuestionAnswering"/>, whose
    /// columns are in <see cref="QuestionAnswering"/>.
    /// </summary>
    public string TextColumnName { get; set; } = "Text";

    /// <summary>
    /// The output column. Default: <c>null</c>, which means the task's own name: <c>"Embedding"</c> for
    /// <see cref="TransformerTask.MaskedLanguageModeling"/> (a float vector of <see cref="TransformerConfig.ModelDimension"/> values),
    /// <c>"GeneratedText"</c> for <see cref="TransformerTask.CausalLanguageModeling"/>, <c>"Translation"</c> for
    /// <see cref="TransformerTask.Translation"/> (the generated target text). Must stay null for
    /// <see cref="TransformerTask.TextClassification"/>, whose columns are <c>PredictedLabel</c>, <c>Score</c> and <c>Probability</c>, and for
    /// <see cref="TransformerTask.QuestionAnswering"/>, whose columns are <c>Answer</c>, <c>AnswerStart</c> and <c>Score</c>.
    /// </summary>
    public string? OutputColumnName { get; set; }

    /// <summary>
    /// The network's shape. <see cref="TransformerConfig.VocabularySize"/> is taken from the tokenizer and may be left 0.
    /// Default: <c>new TransformerConfig()</c> (2 layers, 128 dimensions, 4 heads, learned positions, pre-norm).
    /// Ignored when <see cref="InitialModel"/> is set: the initial model's shape is kept.
    /// </summary>
    public TransformerConfig Model { get; set; } = new();

    /// <summary>
    /// Which tokenizer to build when training from scratch. Default: <see cref="TokenizerKind.Gpt2"/> (offline GPT-2 byte-level BPE).
    /// <see cref="TokenizerKind.Subword"/> learns a BPE vocabulary of <see cref="TranslationOptions.VocabularySize"/> pieces from the
    /// training text (for <see cref="TransformerTask.Translation"/>, sources and targets together).
    /// </summary>
    public TokenizerKind Tokenizer { get; set; } = TokenizerKind.Gpt2;

    /// <summary>
    /// The vocabulary file for <see cref="TokenizerKind.WordPiece"/> (a BERT <c>vocab.txt</c>) or <see cref="TokenizerKind.Llama2c"/>
    /// (a llama2.c <c>tokenizer.bin</c>). Default: <c>null</c>. Its content is stored in the saved model. Required by those two
    /// tokenizers (unless <see cref="InitialModel"/> is set): the estimator's creation fails when it is missing or does not exist.
    /// </summary>
    public string? VocabularyPath { get; set; }

    /// <summary>Lower-case text before WordPiece tokenization (uncased vocabularies). Default: <c>true</c>.</summary>
    public bool LowerCase { get; set; } = true;

    /// <summary>How token states become one sentence embedding. Default: <see cref="PoolingKind.Mean"/> (mask-aware mean).</summary>
    public PoolingKind Pooling { get; set; } = PoolingKind.Mean;

    /// <summary>
    /// Where to start from instead of random weights: the path of a <c>.zip</c> saved with <c>mlContext.Model.Save</c>, a trained or
    /// imported <see cref="TransformerTextTransformer"/>, or a pretrained BERT-family encoder's files (an ONNX export, a
    /// <c>model.safetensors</c> with its <c>config.json</c>, or their folder; the vocabulary is <see cref="VocabularyPath"/> or the
    /// <c>vocab.txt</c>/<c>tokenizer.json</c> beside it, see <c>ImportEncoder</c>). Its network and tokenizer are the starting point.
    /// Default: <c>null</c> (from scratch).
    /// </summary>
    public TransformerInitialModel? InitialModel { get; set; }

    /// <summary>
    /// Tokens per row, special tokens included; longer rows are truncated (Hugging Face's <c>max_length</c>). Applies with an
    /// <see cref="InitialModel"/> too, whose position table is cut to it (at most the initial model's length). Default: 0, which
    /// means <see cref="TransformerConfig.MaxSequenceLength"/> of <see cref="Model"/>, or of the initial model.
    /// </summary>
    public int MaxSequenceLength { get; set; }

    /// <summary>Passes over the training rows. Default: 3. Training stops at <see cref="MaxSteps"/> if that comes first.</summary>
    public int Epochs { get; set; } = 3;

    /// <summary>Upper bound on optimizer steps; 0 means no bound. Default: 0.</summary>
    public int MaxSteps { get; set; }

    /// <summary>Rows per optimizer step. Default: 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Peak learning rate of AdamW. Default: 5e-4.</summary>
    public double LearningRate { get; set; } = 5e-4;

    /// <summary>Fraction of the steps spent warming the learning rate up linearly from 0; then cosine decay. Default: 0.06.</summary>
    public double WarmupFraction { get; set; } = 0.06;

    /// <summary>The learning rate at the end of the cosine decay, as a fraction of <see cref="LearningRate"/>. Default: 0.1.</summary>
    public double MinimumLearningRateFraction { get; set; } = 0.1;

    /// <summary>AdamW decoupled weight decay, applied to weight matrices only (not biases, norms or embeddings' biases). Default: 0.01.</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>AdamW first-moment decay. Default: 0.9.</summary>
    public double AdamBeta1 { get; set; } = 0.9;

    /// <summary>AdamW second-moment decay. Default: 0.999.</summary>
    public double AdamBeta2 { get; set; } = 0.999;

    /// <summary>Global gradient-norm clipping threshold; 0 disables clipping. Default: 1.0.</summary>
    public double GradientClipNorm { get; set; } = 1.0;

    /// <summary>
    /// Micro-batches of <see cref="BatchSize"/> whose gradients are summed before each optimizer step, at least 1: an effective batch of
    /// <c>GradientAccumulationSteps * BatchSize</c> examples in the memory of one micro-batch. Each micro-batch's loss is weighted by
    /// its share of the step's examples (1/N for equal micro-batches), so N micro-batches of B give the step of one batch of N * B;
    /// <see cref="MaxSteps"/>, warmup, the learning-rate schedule and <see cref="LogEverySteps"/> count optimizer steps. Default: 1 (no accumulation).
    /// </summary>
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>
    /// Optional held-out rows (same schema as the training data), evaluated whole before training and after every epoch: loss and
    /// perplexity for the language-modelling tasks, loss and accuracy (with early stopping, see <see cref="EarlyStoppingPatience"/>)
    /// for classification. The figures go to the ML.NET log. Default: <c>null</c>.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>Write training loss (and validation figures, when a validation set is given) to the ML.NET log every this many steps. Default: 50.</summary>
    public int LogEverySteps { get; set; } = 50;

    /// <summary>
    /// A folder where <c>Fit</c> keeps a checkpoint of the training run (<c>checkpoint.bin</c>): the weights, AdamW's state, the position
    /// in the epoch's shuffled batches, the validation results so far and every random state that decides what follows (dropout,
    /// masking, shuffling), written every <see cref="CheckpointEverySteps"/> optimizer steps and after the last step, atomically (a
    /// temporary file renamed over the previous one) and with a SHA-256 verified when it is read. When <c>Fit</c> starts and the folder
    /// holds a checkpoint, training resumes from it (the ML.NET log says so) and, on the CPU, reaches bitwise the weights of an
    /// uninterrupted run. Resuming needs the same task, network, tokenizer, data (row count), <see cref="Seed"/>, <see cref="Epochs"/>,
    /// <see cref="MaxSteps"/>, <see cref="BatchSize"/> and <see cref="GradientAccumulationSteps"/>: otherwise <c>Fit</c> fails naming the
    /// folder and what differs. The learning-rate settings, weight decay, clipping and precision may change, as after a divergence,
    /// whose error names the checkpoint to resume from with a lower <see cref="LearningRate"/>. A damaged file fails with
    /// <see cref="InvalidDataException"/> naming it. A finished run's checkpoint stays; delete the folder to train anew.
    /// Default: <c>null</c> (no checkpoints).
    /// </summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Optimizer steps between two checkpoints in <see cref="CheckpointDirectory"/>, at least 1. Default: 500.</summary>
    public int CheckpointEverySteps { get; set; } = 500;

    /// <summary>Seed of weights, masking and shuffling. Default: <c>null</c>, which draws one from the <see cref="MLContext"/>'s seed.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Keep the C library from returning freed memory to the operating system while <c>Fit</c> trains (glibc on Linux; elsewhere a
    /// no-op). libtorch frees and re-allocates every large activation at each step; by default glibc unmaps those blocks and the
    /// kernel then zero-fills fresh pages, which made training 2 to 3.5 times slower on the project's machines (see
    /// docs/performance.md). The trade-off: the process keeps its peak resident memory until it exits; the setting is process-wide
    /// and stays once applied. Default: <c>true</c>.
    /// </summary>
    public bool RetainFreedMemory { get; set; } = true;

    /// <summary>
    /// The number format of the matrix products while <c>Fit</c> trains, for every task: <see cref="TrainingPrecision.BFloat16"/>
    /// multiplies in bfloat16 with float32 weights (see <see cref="Attention.TrainingPrecision"/>); the saved weights are float32 either
    /// way. Default: <see cref="TrainingPrecision.Float32"/>, so that a model trains the same on every CPU and the figures in the
    /// documentation reproduce; <see cref="TrainingPrecision.Automatic"/> picks bfloat16 where the CPU has bf16 instructions.
    /// </summary>
    public TrainingPrecision TrainingPrecision { get; set; } = TrainingPrecision.Float32;

    /// <summary>
    /// Threads libtorch uses for the tensor operations of <c>Fit</c> and of <c>Transform</c> afterwards (<c>torch.set_num_threads</c>,
    /// applied when <c>Fit</c> starts). The setting is process-global in libtorch: it stays in effect after <c>Fit</c> and applies to
    /// every model in the process. libtorch's default is one thread per core (or <c>OMP_NUM_THREADS</c>); when another busy process
    /// shares those cores, its threads wait on each other and training slows several-fold (docs/performance.md has the measured
    /// figures), so give it fewer threads than cores there. With <see cref="InferenceEngine.OnnxRuntime"/> it is also ONNX Runtime's intra-op
    /// thread count (0 = libtorch's count). A model loaded with
    /// <c>mlContext.Model.Load</c> does not carry it (it describes the machine, not the model). Default: 0, which keeps libtorch's
    /// current setting.
    /// </summary>
    public int ThreadCount { get; set; }

    /// <summary>
    /// Cancels <c>Fit</c>: checked before every training step and validation batch (as <c>MLContext.CancelExecution()</c> is, ML.NET's
    /// own mechanism, internal in ML.NET 5), after which <c>Fit</c> throws <see cref="OperationCanceledException"/> and returns no model.
    /// Not saved with the model. Default: <see cref="CancellationToken.None"/>.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// Receives the training run's progress after every optimizer step of <c>Fit</c> (epoch, step of total steps, loss, learning rate,
    /// rows per second; see <see cref="AttentionTrainingProgress"/>), for a progress bar or a log of your own. <c>Report</c> is called
    /// on the training thread between two steps, so keep it cheap. <see cref="Progress{T}"/> posts each report to the
    /// <see cref="SynchronizationContext"/> it captured (the thread pool in a console app), where reports may run late and out of
    /// order; implement <see cref="IProgress{T}"/> yourself to handle them in step. ML.NET's progress channel receives the same
    /// figures whether or not this is set. Read by every task; not saved with the model. Default: <c>null</c> (no reports).
    /// </summary>
    public IProgress<AttentionTrainingProgress>? Progress { get; set; }

    /// <summary>
    /// Where <c>Fit</c> trains. <c>MLContext.GpuDeviceId</c> and <c>MLContext.FallbackToCpu</c> apply as in Microsoft.ML.TorchSharp:
    /// <c>GpuDeviceId</c> picks the GPU (and asks for one even with <see cref="TransformerDevice.Automatic"/>); without a CUDA GPU,
    /// <c>FallbackToCpu</c> true trains on the CPU with a warning in the log and false fails. A model loaded with <c>mlContext.Model.Load</c>
    /// runs on the GPU only when <c>GpuDeviceId</c> is set, else on the CPU (see docs/reliability.md). Default: <see cref="TransformerDevice.Automatic"/>.
    /// </summary>
    public TransformerDevice Device { get; set; } = TransformerDevice.Automatic;

    /// <summary>Rows per forward pass in <c>Transform</c>. Default: 32.</summary>
    public int InferenceBatchSize { get; set; } = 32;

    /// <summary>
    /// How <see cref="TransformerTask.CausalLanguageModeling"/> generates in <c>Transform</c> and in
    /// <see cref="TransformerTextTransformer.GenerateStream(string?, CancellationToken)"/>: max new tokens, temperature (0 = greedy), top-k,
    /// top-p, repetition penalty, stop sequences, seed, key/value cache (see <see cref="GenerationOptions"/> for each default).
    /// Copied at <c>Fit</c> and saved with the model. Default: <c>new GenerationOptions()</c> (64 new tokens, temperature 1, no seed).
    /// Ignored by the other tasks.
    /// </summary>
    public GenerationOptions Generation { get; set; } = new();

    /// <summary>
    /// The label, pair and freezing settings of <see cref="TransformerTask.TextClassification"/>; see <see cref="TextClassificationOptions"/>
    /// for each default. Ignored by the other tasks. Default: <c>new TextClassificationOptions()</c> (label column <c>Label</c>, single text).
    /// </summary>
    public TextClassificationOptions TextClassification { get; set; } = new();

    /// <summary>
    /// The masking of <see cref="TransformerTask.MaskedLanguageModeling"/>; see <see cref="MaskedLanguageModelingOptions"/> for each
    /// default. Ignored by the other tasks. Default: <c>new MaskedLanguageModelingOptions()</c> (15% of the tokens).
    /// </summary>
    public MaskedLanguageModelingOptions MaskedLanguageModeling { get; set; } = new();

    /// <summary>
    /// With a <see cref="ValidationSet"/>: stop after this many epochs without a better validation score (accuracy for classification,
    /// F1 for question answering, lower loss for the language-modelling tasks) and keep the best epoch's weights; 0 trains every epoch
    /// and keeps the last weights. Default: 2.
    /// </summary>
    public int EarlyStoppingPatience { get; set; } = 2;

    /// <summary>
    /// The number format of the encoder's forward pass in <c>Transform</c> and <c>PredictionEngine</c> for
    /// <see cref="TransformerTask.MaskedLanguageModeling"/> (embeddings) and <see cref="TransformerTask.TextClassification"/>:
    /// <see cref="InferencePrecision.BFloat16"/> runs a bfloat16 copy of the weights (faster on CPUs with bf16 instructions, outputs
    /// within bf16 rounding of float32; see <see cref="Attention.InferencePrecision"/>; TorchSharp only); <see cref="InferencePrecision.Int8"/>
    /// quantizes the linear layers and runs on ONNX Runtime only (<see cref="InferenceEngine"/> OnnxRuntime or Automatic). Training is set
    /// apart by <see cref="TrainingPrecision"/>.
    /// Saved with the model.
    /// Ignored by <see cref="TransformerTask.CausalLanguageModeling"/>. Default: <see cref="InferencePrecision.Float32"/>.
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
    /// same whichever engine is chosen. ONNX Runtime uses <see cref="ThreadCount"/> intra-op threads (0 = libtorch's count). It does not score
    /// <see cref="TransformerTask.CausalLanguageModeling"/> nor <see cref="TransformerTask.Translation"/> (asking for it there is an error;
    /// Automatic uses TorchSharp). Checked when the estimator is created. Default: <see cref="InferenceEngine.TorchSharp"/>.
    /// </summary>
    public InferenceEngine InferenceEngine { get; set; } = InferenceEngine.TorchSharp;

    /// <summary>
    /// The columns (question, context, answer, answer start) and the windows (document stride, max answer and question lengths) of
    /// <see cref="TransformerTask.QuestionAnswering"/>; see <see cref="QuestionAnsweringOptions"/> for each default. Ignored by the other
    /// tasks. Default: <c>new QuestionAnsweringOptions()</c> (columns <c>Question</c>, <c>Context</c>, <c>Answer</c>, <c>AnswerStart</c>).
    /// </summary>
    public QuestionAnsweringOptions QuestionAnswering { get; set; } = new();

    /// <summary>
    /// The columns (words, labels), tag scheme, aggregation, windows and entity output of <see cref="TransformerTask.TokenClassification"/>;
    /// see <see cref="TokenClassificationOptions"/> for each default. Ignored by the other tasks. Default: <c>new TokenClassificationOptions()</c>
    /// (columns <c>Words</c> and <c>Label</c>, no tag scheme, <see cref="TokenAggregation.First"/>).
    /// </summary>
    public TokenClassificationOptions TokenClassification { get; set; } = new();

    /// <summary>
    /// The columns and the loss of <see cref="TransformerTask.SentenceEmbedding"/>; see <see cref="SentenceEmbeddingOptions"/> for each
    /// default. Ignored by the other tasks. Default: <c>new SentenceEmbeddingOptions()</c> (anchor = <see cref="TextColumnName"/>, positive
    /// <c>Positive</c>, scale 20, mean pooling, normalized).
    /// </summary>
    public SentenceEmbeddingOptions SentenceEmbedding { get; set; } = new();

    /// <summary>
    /// The label and second text of <see cref="TransformerTask.SentenceSimilarity"/>; see <see cref="SentenceSimilarityOptions"/> for
    /// each default. Ignored by the other tasks. Default: <c>new SentenceSimilarityOptions()</c> (label column <c>Label</c>, single text).
    /// </summary>
    public SentenceSimilarityOptions SentenceSimilarity { get; set; } = new();

    /// <summary>
    /// The target column, subword vocabulary, embedding, loss and beam search settings of <see cref="TransformerTask.Translation"/>; see
    /// <see cref="TranslationOptions"/> for each default. Ignored by the other tasks. Default: <c>new TranslationOptions()</c>.
    /// </summary>
    public TranslationOptions Translation { get; set; } = new();

    /// <summary>A shallow copy with <see cref="Task"/> set to <paramref name="task"/>: what the catalog aliases pass on, so that the caller's object stays as it was.</summary>
    internal TransformerTextOptions WithTask(TransformerTask task)
    {
        var copy = (TransformerTextOptions)MemberwiseClone();
        copy.Task = task;
        return copy;
    }
}
