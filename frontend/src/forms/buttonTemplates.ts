/** rjsf button templates bound to FormIconButton with the icon each one needs. */

import { createElement } from "react";
import type { IconButtonProps } from "@rjsf/utils";
import FormIconButton from "../components/FormIconButton";

const bind = (icon: string) => (props: IconButtonProps) => createElement(FormIconButton, { ...props, icon });

export const BUTTON_TEMPLATES = {
  AddButton: bind("plus"),
  RemoveButton: bind("remove"),
  MoveUpButton: bind("arrow-up"),
  MoveDownButton: bind("arrow-down"),
  CopyButton: bind("copy"),
};
